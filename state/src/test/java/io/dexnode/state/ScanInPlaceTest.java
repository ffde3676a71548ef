package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code scanPrefixInPlace} visits exactly what {@code scanPrefix} visits, in the same order, with the same bytes. */
class ScanInPlaceTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void inPlaceScanSeesTheSameEntriesAsTheCopyingScanIncludingLongKeysAndValues(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (StateManager sm = StateManager.open(tmp.resolve("s"), StateConfig.defaults().withFsync(false))) {
            WriteSet ws = new WriteSet();
            for (int i = 0; i < 2_000; i++) {
                // Keys of 1 to 200 bytes and values up to 5,000 bytes: both past the reused buffers' first sizes.
                byte[] key = new byte[1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 200 : 12)];
                rnd.nextBytes(key);
                key[0] = (byte) rnd.nextInt(4);
                byte[] value = new byte[1 + rnd.nextInt(rnd.nextInt(20) == 0 ? 5_000 : 100)];
                rnd.nextBytes(value);
                ws.put(key, value);
            }
            sm.commit(0, ws, null);
            for (byte[] prefix : List.of(new byte[] {0}, new byte[] {1}, new byte[] {3}, new byte[] {2, 7}, new byte[0])) {
                List<String> copying = new ArrayList<>();
                sm.scanPrefix(prefix, (k, v) -> copying.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
                List<String> inPlace = new ArrayList<>();
                sm.scanPrefixInPlace(prefix, (k, v) -> inPlace.add(hex(k) + "=" + hex(v)));
                assertThat(inPlace).as("prefix %s", HexFormat.of().formatHex(prefix)).isEqualTo(copying);
                if (prefix.length == 1) {
                    assertThat(copying).isNotEmpty();
                }
            }
            // The default implementation (the in-memory store) agrees too.
            InMemoryStateStore mem = new InMemoryStateStore();
            mem.commit(0, ws, null);
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            mem.scanPrefixInPlace(new byte[] {1}, (k, v) -> a.add(hex(k) + "=" + hex(v)));
            sm.scanPrefixInPlace(new byte[] {1}, (k, v) -> b.add(hex(k) + "=" + hex(v)));
            assertThat(a).isEqualTo(b);
        }
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.limit()];
        b.get(0, bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
