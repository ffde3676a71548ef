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

/**
 * {@code scanPrefixInPlace} visits exactly what {@code scanPrefix} visits, in the same order, with the same bytes;
 * {@code scanRangeInPlace} exactly the keys within its bounds.
 */
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

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void rangeScanSeesExactlyTheKeysFromItsLowerBoundUpToButExcludingItsUpperOne(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (StateManager sm = StateManager.open(tmp.resolve("r"), StateConfig.defaults().withFsync(false))) {
            WriteSet ws = new WriteSet();
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                byte[] key = new byte[1 + rnd.nextInt(10)];
                rnd.nextBytes(key);
                key[0] = (byte) (rnd.nextBoolean() ? 0x06 : rnd.nextInt(256)); // bytes above 0x7f too: unsigned order
                ws.put(key, new byte[] {(byte) i});
                keys.add(key);
            }
            sm.commit(0, ws, null);
            InMemoryStateStore mem = new InMemoryStateStore();
            mem.commit(0, ws, null);
            List<byte[]> all = new ArrayList<>();
            sm.scanPrefix(new byte[0], (k, v) -> all.add(k));
            for (int t = 0; t < 40; t++) {
                // Bounds drawn from stored keys (exact hits), their prefixes and random bytes.
                byte[] a = bound(rnd, keys);
                byte[] b = bound(rnd, keys);
                byte[] from = java.util.Arrays.compareUnsigned(a, b) <= 0 ? a : b;
                byte[] to = from == a ? b : a;
                List<String> expected = all.stream()
                        .filter(k -> java.util.Arrays.compareUnsigned(k, from) >= 0 && java.util.Arrays.compareUnsigned(k, to) < 0)
                        .map(HexFormat.of()::formatHex).toList();
                List<String> onDisk = new ArrayList<>();
                sm.scanRangeInPlace(from, to, (k, v) -> onDisk.add(hex(k)));
                List<String> inMemory = new ArrayList<>();
                mem.scanRangeInPlace(from, to, (k, v) -> inMemory.add(hex(k)));
                String range = HexFormat.of().formatHex(from) + ".." + HexFormat.of().formatHex(to);
                assertThat(onDisk).as("RocksDB store, range %s", range).isEqualTo(expected);
                assertThat(inMemory).as("in-memory store (the default), range %s", range).isEqualTo(expected);
            }
            List<String> tag6 = new ArrayList<>();
            sm.scanRangeInPlace(new byte[] {0x06}, new byte[] {0x07}, (k, v) -> tag6.add(hex(k)));
            List<String> prefix6 = new ArrayList<>();
            sm.scanPrefixInPlace(new byte[] {0x06}, (k, v) -> prefix6.add(hex(k)));
            assertThat(tag6).as("the range of a tag byte is its prefix").hasSizeGreaterThan(500).isEqualTo(prefix6);
        }
    }

    private static byte[] bound(SplittableRandom rnd, List<byte[]> keys) {
        byte[] key = keys.get(rnd.nextInt(keys.size()));
        return switch (rnd.nextInt(3)) {
            case 0 -> key.clone();
            case 1 -> java.util.Arrays.copyOf(key, 1 + rnd.nextInt(key.length));
            default -> {
                byte[] r = new byte[1 + rnd.nextInt(4)];
                rnd.nextBytes(r);
                yield r;
            }
        };
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.limit()];
        b.get(0, bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
