package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tree of a few thousand keys, larger than the node budget (leaf-cache eviction, uncached and
 * prefetched commits), with gaps, deletes, re-creations and pruning: the RocksDB store, the
 * in-memory store and a history map agree on roots, reads at every retained version, proofs,
 * scans, multi-gets and changed keys, before and after a reopen.
 */
class LargeTreeModelTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int KEYS = 2500;

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(3L, 0, PruningConfig.keepAll()),
                Arguments.of(17L, 1, PruningConfig.keepLast(6)),
                Arguments.of(29L, 300, PruningConfig.keepLast(1)),
                Arguments.of(41L, 1 << 14, PruningConfig.keepLast(6)));
    }

    private static byte[] key(int i) {
        // two-byte "tag" groups, some keys one byte longer than others (prefixes of nothing, but close)
        return i % 3 == 0 ? new byte[] {(byte) (i % 7), (byte) (i >>> 8), (byte) i}
                : new byte[] {(byte) (i % 7), (byte) (i >>> 8), (byte) i, (byte) 0x80};
    }

    @ParameterizedTest(name = "seed {0}, node budget {1}, {2}")
    @MethodSource("cases")
    void storesAgreeWithTheHistoryModelOnALargeTree(long seed, int budget, PruningConfig pruning) {
        SplittableRandom r = new SplittableRandom(seed);
        StateConfig cfg = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20)
                .withPruning(pruning).withNodeCacheEntries(budget).withTreePersistence(Persistences.of(seed + budget));
        Path dir = tmp.resolve("db");
        ReferenceHistory ref = new ReferenceHistory();
        StateManager sm = StateManager.open(dir, cfg);
        try (InMemoryStateStore mem = new InMemoryStateStore(pruning)) {
            long v = 0;
            for (int i = 0; i < 36; i++) {
                WriteSet ws = new WriteSet();
                int n = i == 0 ? KEYS * 3 / 4 : r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(200);
                for (int j = 0; j < n; j++) {
                    byte[] k = key(i == 0 ? j : r.nextInt(KEYS));
                    if (i > 0 && r.nextInt(4) == 0) {
                        ws.delete(k);
                    } else {
                        byte[] value = new byte[1 + r.nextInt(12)];
                        r.nextBytes(value);
                        ws.put(k, value);
                    }
                }
                ref.apply(v, ws);
                assertThat(sm.commit(v, ws, null)).as("root of %d", v).isEqualTo(ref.roots.get(v));
                assertThat(mem.commit(v, ws, null)).as("in-memory root of %d", v).isEqualTo(ref.roots.get(v));
                if (i % 12 == 11) {
                    sm.awaitPruning();
                    check(sm, ref, pruning, r);
                    check(mem, ref, pruning, r);
                }
                if (i == 20) {
                    sm.close();
                    sm = StateManager.open(dir, cfg);
                }
                v += 1 + (r.nextInt(6) == 0 ? r.nextInt(3) : 0);
            }
            sm.close();
            sm = StateManager.open(dir, cfg);
            sm.awaitPruning();
            check(sm, ref, pruning, r);
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, pruning);
        } finally {
            sm.close();
        }
    }

    private static void check(StateStore s, ReferenceHistory ref, PruningConfig pruning, SplittableRandom r) {
        long latest = ref.latest();
        long oldest = Math.max(ref.states.firstKey(), pruning.horizon(latest));
        assertThat(s.latestVersion()).isEqualTo(latest);
        assertThat(s.oldestRetainedVersion()).isEqualTo(oldest);
        if (oldest > 0) {
            assertThatThrownBy(() -> s.get(key(1), oldest - 1)).isInstanceOf(StateException.class).hasMessageContaining("pruned");
        }
        // the oldest retained version and the most recent ones (an archive has too many to read all)
        for (long v = oldest; v <= latest; v = v == oldest ? Math.max(oldest + 1, latest - 8) : v + 1) {
            TreeMap<byte[], byte[]> state = ref.at(v);
            if (ref.states.containsKey(v)) {
                assertThat(s.rootAt(v)).isEqualTo(ref.roots.get(v));
                for (int i = 0; i < 6; i++) {
                    byte[] k = key(r.nextInt(KEYS + 50));
                    StateProof p = s.getWithProof(k, v);
                    assertThat(p.value()).as("proved %s at %d", HEX.formatHex(k), v).isEqualTo(state.get(k));
                    assertThat(p.verify()).isTrue();
                }
            }
            for (int i = 0; i < 60; i++) {
                byte[] k = key(r.nextInt(KEYS + 50));
                assertThat(s.get(k, v)).as("%s at %d", HEX.formatHex(k), v).isEqualTo(state.get(k));
            }
        }
        TreeMap<byte[], byte[]> now = ref.at(latest);
        List<byte[]> asked = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            asked.add(key(r.nextInt(KEYS + 50)));
        }
        asked.add(asked.get(0));
        assertThat(hex(s.multiGet(asked))).isEqualTo(hex(asked.stream().map(now::get).toList()));
        for (byte[] prefix : List.of(new byte[0], new byte[] {3}, new byte[] {3, 2}, key(3 * 100), key(3 * 100 + 1))) {
            List<String> got = new ArrayList<>();
            s.scanPrefix(prefix, (k, val) -> got.add(HEX.formatHex(k) + "=" + HEX.formatHex(val)));
            List<String> want = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : now.entrySet()) {
                if (InMemoryStateStore.startsWith(e.getKey(), prefix)) {
                    want.add(HEX.formatHex(e.getKey()) + "=" + HEX.formatHex(e.getValue()));
                }
            }
            assertThat(got).as("scan %s", HEX.formatHex(prefix)).isEqualTo(want);
        }
        for (int i = 0; i < 6; i++) {
            long a = oldest - 1 + r.nextLong(latest - oldest + 2);
            long b = a + r.nextLong(latest - a + 1);
            assertThat(hex(s.changedKeys(a, b))).as("changed (%d, %d]", a, b).isEqualTo(hex(ref.changed(a, b)));
        }
    }

    private static List<String> hex(List<byte[]> list) {
        return list.stream().map(x -> x == null ? "null" : HEX.formatHex(x)).toList();
    }
}
