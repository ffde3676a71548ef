package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriteSetTest {

    @Test
    void visitsKeysInUnsignedByteOrderAndLastWriteWins() {
        WriteSet ws = new WriteSet();
        ws.put(new byte[] {(byte) 0x80}, new byte[] {1});
        ws.put(new byte[] {0x01, 0x02}, new byte[] {2});
        ws.put(new byte[] {0x01}, new byte[] {3});
        ws.delete(new byte[] {(byte) 0x80});
        ws.put(new byte[] {0x01}, new byte[] {4});
        List<String> seen = new ArrayList<>();
        ws.forEach((k, v) -> seen.add(HexFormat.of().formatHex(k) + "=" + (v == null ? "del" : HexFormat.of().formatHex(v))));
        assertThat(seen).containsExactly("01=04", "0102=02", "80=del");
        assertThat(ws.size()).isEqualTo(3);
        assertThat(ws.isEmpty()).isFalse();
    }

    @Test
    void copiesTheCallersArrays() {
        WriteSet ws = new WriteSet();
        byte[] k = {1};
        byte[] v = {2};
        ws.put(k, v);
        k[0] = 9;
        v[0] = 9;
        ws.forEach((key, value) -> {
            assertThat(key).containsExactly(1);
            assertThat(value).containsExactly(2);
        });
    }

    @Test
    void refusesEmptyKeysAndEmptyValues() {
        WriteSet ws = new WriteSet();
        assertThatThrownBy(() -> ws.put(new byte[0], new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ws.put(new byte[] {1}, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ws.put(new byte[] {1}, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ws.isEmpty()).isTrue();
    }

    /**
     * Against a sorted map written here: random puts and deletes over few keys (many rewrites of
     * one key, out of order and in order), with reads between the writes, give the map's entries
     * in unsigned key order with each key's last write, from two threads at once too.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void behavesAsASortedMapWithTheLastWriteWinningUnderRandomWrites(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            WriteSet ws = new WriteSet();
            TreeMap<byte[], String> model = new TreeMap<>(Arrays::compareUnsigned);
            int writes = rnd.nextInt(60);
            boolean ascending = rnd.nextInt(4) == 0;
            for (int i = 0; i < writes; i++) {
                byte[] key = ascending ? new byte[] {(byte) (i / 2), (byte) 0x90} : new byte[] {(byte) rnd.nextInt(3), (byte) (rnd.nextInt(8) * 37)};
                if (rnd.nextInt(4) == 0) {
                    ws.delete(key);
                    model.put(key, "del");
                } else {
                    byte[] value = {(byte) i, (byte) round};
                    ws.put(key, value);
                    model.put(key, HexFormat.of().formatHex(value));
                }
                if (rnd.nextInt(10) == 0) {
                    assertThat(entries(ws)).isEqualTo(expected(model));
                }
            }
            List<String> want = expected(model);
            CompletableFuture<List<String>> other = CompletableFuture.supplyAsync(() -> entries(ws));
            assertThat(entries(ws)).isEqualTo(want);
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(want);
            assertThat(ws.size()).isEqualTo(model.size());
            assertThat(ws.isEmpty()).isEqualTo(model.isEmpty());
        }
    }

    private static List<String> entries(WriteSet ws) {
        List<String> seen = new ArrayList<>();
        ws.forEach((k, v) -> seen.add(HexFormat.of().formatHex(k) + "=" + (v == null ? "del" : HexFormat.of().formatHex(v))));
        return seen;
    }

    private static List<String> expected(TreeMap<byte[], String> model) {
        List<String> out = new ArrayList<>();
        model.forEach((k, v) -> out.add(HexFormat.of().formatHex(k) + "=" + v));
        return out;
    }
}
