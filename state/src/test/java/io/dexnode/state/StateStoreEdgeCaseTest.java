package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static io.dexnode.state.Writes.puts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.JellyfishMerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edges of the {@link StateStore} contract, asked of both stores in the same words: deleted and
 * re-created keys, reads at version 0, at the latest, above it and below the oldest retained one,
 * empty write sets, deletes of absent keys, prefix keys in scans, duplicate and missing keys in
 * multi-gets, change ranges, the keep-last-N boundary, and a closed store.
 */
class StateStoreEdgeCaseTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20)
            .withNodeCacheEntries(64);

    @TempDir
    Path tmp;

    /** Opens a fresh store of one kind, in a directory when it needs one, with a pruning config. */
    interface Kind extends BiFunction<Path, PruningConfig, StateStore> {}

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("in-memory", (Kind) (dir, p) -> new InMemoryStateStore(p)),
                Arguments.of("rocksdb", (Kind) (dir, p) -> StateManager.open(dir.resolve("db"), CFG.withPruning(p))));
    }

    private static WriteSet deletes(String... keys) {
        WriteSet ws = new WriteSet();
        for (String k : keys) {
            ws.delete(b(k));
        }
        return ws;
    }

    /** Lets background pruning catch up, so both stores are in the same state. */
    private static void settle(StateStore s) {
        if (s instanceof StateManager sm) {
            sm.awaitPruning();
        }
    }

    private static List<String> hex(List<byte[]> list) {
        return list.stream().map(x -> x == null ? "null" : HEX.formatHex(x)).toList();
    }

    private static void provesExactly(StateStore s, byte[] key, long version, byte[] expected) {
        StateProof p = s.getWithProof(key, version);
        assertThat(p.value()).as("proved value of %s at %d", new String(key, StandardCharsets.UTF_8), version).isEqualTo(expected);
        assertThat(p.root()).isEqualTo(s.rootAt(version));
        assertThat(p.verify()).as("proof of %s at %d verifies", new String(key, StandardCharsets.UTF_8), version).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aKeyDeletedAtAVersionIsAbsentThereAndUntilItIsWrittenAgain(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            s.commit(0, puts("a", "1", "other", "x"), null);
            s.commit(1, puts("a", "2"), null);
            s.commit(2, deletes("a"), null);
            s.commit(3, puts("b", "9"), null);
            s.commit(4, puts("a", "3"), null);
            assertThat(s.get(b("a"), 0)).isEqualTo(b("1"));
            assertThat(s.get(b("a"), 1)).isEqualTo(b("2"));
            assertThat(s.get(b("a"), 2)).isNull();
            assertThat(s.get(b("a"), 3)).isNull();
            assertThat(s.get(b("a"), 4)).isEqualTo(b("3"));
            assertThat(s.get(b("a"))).isEqualTo(b("3"));
            for (long v = 0; v <= 4; v++) {
                assertThat(s.get(b("never"), v)).isNull();
                provesExactly(s, b("never"), v, null);
                provesExactly(s, b("a"), v, s.get(b("a"), v));
            }
            assertThat(s.get(b("never"))).isNull();
            assertThat(hex(s.changedKeys(1, 3))).isEqualTo(hex(List.of(b("a"), b("b"))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void versionZeroAndTheLatestAreReadableAndAboveTheLatestIsRefused(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            byte[] r0 = s.commit(0, puts("a", "1"), null);
            byte[] r1 = s.commit(1, puts("a", "2"), null);
            assertThat(s.rootAt(0)).isEqualTo(r0);
            assertThat(s.rootAt(1)).isEqualTo(r1).isEqualTo(s.latestRoot());
            provesExactly(s, b("a"), 0, b("1"));
            provesExactly(s, b("a"), 1, b("2"));
            assertThat(s.oldestRetainedVersion()).isZero();
            assertThatThrownBy(() -> s.get(b("a"), 2)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
            assertThatThrownBy(() -> s.getWithProof(b("a"), 2)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
            assertThatThrownBy(() -> s.rootAt(2)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
            assertThatThrownBy(() -> s.get(b("a"), -1)).isInstanceOf(StateException.class);
            assertThatThrownBy(() -> s.rootAt(-1)).isInstanceOf(StateException.class);
            assertThatThrownBy(() -> s.changedKeys(0, 2)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anEmptyStoreRefusesReadsAtVersionsButAnswersLatestReads(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            assertThat(s.latestVersion()).isEqualTo(StateStore.NO_VERSION);
            assertThat(s.latestRoot()).isEqualTo(JellyfishMerkleTree.emptyRootHash());
            assertThat(s.get(b("a"))).isNull();
            assertThat(s.multiGet(List.of(b("a"), b("a")))).containsExactly(null, null);
            List<byte[]> seen = new ArrayList<>();
            s.scanPrefix(new byte[0], (k, v) -> seen.add(k));
            assertThat(seen).isEmpty();
            assertThatThrownBy(() -> s.get(b("a"), 0)).isInstanceOf(StateException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> s.getWithProof(b("a"), 0)).isInstanceOf(StateException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> s.changedKeys(-1, 0)).isInstanceOf(StateException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anEmptyWriteSetMakesAVersionWithThePreviousRoot(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            byte[] empty = s.commit(0, new WriteSet(), null);
            assertThat(empty).isEqualTo(JellyfishMerkleTree.emptyRootHash());
            assertThat(s.rootAt(0)).isEqualTo(empty);
            provesExactly(s, b("a"), 0, null);
            byte[] r1 = s.commit(1, puts("a", "1", "b", "2"), null);
            byte[] r2 = s.commit(2, new WriteSet(), null);
            byte[] r5 = s.commit(5, new WriteSet(), null);
            assertThat(r2).isEqualTo(r1);
            assertThat(r5).isEqualTo(r1);
            assertThat(s.rootAt(2)).isEqualTo(r1);
            assertThat(s.rootAt(5)).isEqualTo(r1);
            assertThat(s.latestVersion()).isEqualTo(5);
            assertThat(s.get(b("a"), 5)).isEqualTo(b("1"));
            provesExactly(s, b("a"), 2, b("1"));
            provesExactly(s, b("a"), 5, b("1"));
            provesExactly(s, b("zz"), 5, null);
            assertThat(s.changedKeys(1, 5)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void deletingAnAbsentKeyLeavesTheRootAlone(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            byte[] r0 = s.commit(0, puts("a", "1"), null);
            byte[] r1 = s.commit(1, deletes("ghost"), null);
            assertThat(r1).isEqualTo(r0);
            assertThat(s.get(b("ghost"))).isNull();
            assertThat(s.get(b("ghost"), 1)).isNull();
            provesExactly(s, b("ghost"), 1, null);
            provesExactly(s, b("a"), 1, b("1"));
            byte[] r2 = s.commit(2, deletes("a"), null);
            assertThat(r2).isEqualTo(JellyfishMerkleTree.emptyRootHash());
            provesExactly(s, b("a"), 2, null);
            byte[] r3 = s.commit(3, deletes("a", "ghost"), null);
            assertThat(r3).isEqualTo(r2);
            provesExactly(s, b("a"), 3, null);
            provesExactly(s, b("a"), 1, b("1"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theLastWriteToAKeyInOneWriteSetWins(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            WriteSet ws = new WriteSet();
            ws.put(b("a"), b("1"));
            ws.put(b("a"), b("2"));
            ws.put(b("b"), b("1"));
            ws.delete(b("b"));
            ws.delete(b("c"));
            ws.put(b("c"), b("3"));
            byte[] root = s.commit(0, ws, null);
            assertThat(root).isEqualTo(ReferenceHistory.rootOf(java.util.Map.of(b("a"), b("2"), b("c"), b("3"))));
            assertThat(s.get(b("a"))).isEqualTo(b("2"));
            assertThat(s.get(b("b"))).isNull();
            assertThat(s.get(b("c"), 0)).isEqualTo(b("3"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void scanPrefixVisitsKeysThatArePrefixesOfEachOtherInUnsignedByteOrder(String name, Kind kind) {
        byte[][] keys = {
            {1}, {1, 0}, {1, 0, 0}, {1, 1}, {1, (byte) 0xFF}, {1, (byte) 0x80, 5}, {2}, {0}, {(byte) 0x80}, {(byte) 0xFF, (byte) 0xFF},
        };
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            WriteSet ws = new WriteSet();
            for (byte[] k : keys) {
                ws.put(k, new byte[] {k[k.length - 1], 7});
            }
            s.commit(0, ws, null);
            byte[][] sorted = keys.clone();
            Arrays.sort(sorted, Arrays::compareUnsigned);
            for (byte[] prefix : new byte[][] {{}, {1}, {1, 0}, {1, 0, 0}, {1, 0, 0, 0}, {1, (byte) 0x80}, {3}, {(byte) 0xFF}, {(byte) 0x80}}) {
                List<String> want = new ArrayList<>();
                for (byte[] k : sorted) {
                    if (InMemoryStateStore.startsWith(k, prefix)) {
                        want.add(HEX.formatHex(k));
                    }
                }
                List<String> got = new ArrayList<>();
                s.scanPrefix(prefix, (k, v) -> {
                    assertThat(v).isEqualTo(new byte[] {k[k.length - 1], 7});
                    got.add(HEX.formatHex(k));
                });
                assertThat(got).as("scan of prefix %s", HEX.formatHex(prefix)).isEqualTo(want);
                List<String> inPlace = new ArrayList<>();
                s.scanPrefixInPlace(prefix, (k, v) -> {
                    byte[] kb = new byte[k.remaining()];
                    k.duplicate().get(kb);
                    inPlace.add(HEX.formatHex(kb));
                });
                assertThat(inPlace).as("in-place scan of prefix %s", HEX.formatHex(prefix)).isEqualTo(want);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void multiGetAnswersDuplicatesAndMissingKeysInOrder(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            s.commit(0, puts("a", "1", "b", "2"), null);
            s.commit(1, deletes("b"), null);
            List<byte[]> got = s.multiGet(List.of(b("a"), b("missing"), b("a"), b("b"), b("missing"), b("a")));
            assertThat(hex(got)).containsExactly(HEX.formatHex(b("1")), "null", HEX.formatHex(b("1")), "null", "null",
                    HEX.formatHex(b("1")));
            assertThat(s.multiGet(List.of())).isEmpty();
            List<byte[]> same = new ArrayList<>(List.of(b("a")));
            same.add(same.get(0));
            assertThat(hex(s.multiGet(same))).containsExactly(HEX.formatHex(b("1")), HEX.formatHex(b("1")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void changedKeysRefusesReversedAndPrunedRangesAndIsEmptyForAnEmptyRange(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepLast(3))) {
            for (long v = 0; v < 10; v++) {
                s.commit(v, puts("k" + v, "x", "all", Long.toString(v)), null);
            }
            settle(s);
            assertThat(s.oldestRetainedVersion()).isEqualTo(7);
            assertThatThrownBy(() -> s.changedKeys(9, 8)).isInstanceOf(StateException.class).hasMessageContaining("reversed");
            assertThat(s.changedKeys(8, 8)).isEmpty();
            assertThat(s.changedKeys(9, 9)).isEmpty();
            assertThat(hex(s.changedKeys(8, 9))).isEqualTo(hex(List.of(b("all"), b("k9"))));
            assertThat(hex(s.changedKeys(6, 9))).isEqualTo(hex(List.of(b("all"), b("k7"), b("k8"), b("k9"))));
            assertThatThrownBy(() -> s.changedKeys(5, 9)).isInstanceOf(StateException.class).hasMessageContaining("pruned");
            assertThatThrownBy(() -> s.changedKeys(0, 9)).isInstanceOf(StateException.class).hasMessageContaining("pruned");
            assertThatThrownBy(() -> s.changedKeys(8, 10)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void keepLastNLeavesExactlyNVersionsWithWorkingProofsAtTheOldest(String name, Kind kind) {
        int n = 4;
        ReferenceHistory ref = new ReferenceHistory();
        try (StateStore s = kind.apply(tmp, PruningConfig.keepLast(n))) {
            for (long v = 0; v < 25; v++) {
                WriteSet ws = Workload.writes(99, v, 12);
                ref.apply(v, ws);
                s.commit(v, ws, null);
                settle(s);
                long oldest = Math.max(0, v - n + 1);
                assertThat(s.oldestRetainedVersion()).as("oldest at latest %d", v).isEqualTo(oldest);
                for (long r = oldest; r <= v; r++) {
                    assertThat(s.rootAt(r)).as("root %d at latest %d", r, v).isEqualTo(ref.roots.get(r));
                }
                if (oldest > 0) {
                    long pruned = oldest - 1;
                    assertThatThrownBy(() -> s.rootAt(pruned)).isInstanceOf(StateException.class)
                            .hasMessage("version " + pruned + " pruned; oldest retained is " + oldest);
                    assertThatThrownBy(() -> s.get(b("a"), pruned)).isInstanceOf(StateException.class)
                            .hasMessage("version " + pruned + " pruned; oldest retained is " + oldest);
                    assertThatThrownBy(() -> s.getWithProof(b("a"), pruned)).isInstanceOf(StateException.class)
                            .hasMessageContaining("pruned");
                }
            }
            long oldest = s.oldestRetainedVersion();
            for (long r = oldest; r <= s.latestVersion(); r++) {
                for (byte[] k : StateStoreRandomizedTest.allKeys()) {
                    assertThat(s.get(k, r)).isEqualTo(ref.at(r).get(k));
                    provesExactly(s, k, r, ref.at(r).get(k));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aClosedStoreRefusesEveryCall(String name, Kind kind) {
        StateStore s = kind.apply(tmp, PruningConfig.keepAll());
        s.commit(0, puts("a", "1"), puts("h", "1"));
        s.close();
        List<Runnable> calls = List.of(
                s::latestVersion, s::latestRoot, s::oldestRetainedVersion,
                () -> s.rootAt(0), () -> s.get(b("a")), () -> s.get(b("a"), 0),
                () -> s.multiGet(List.of(b("a"))), () -> s.scanPrefix(new byte[0], (k, v) -> { }),
                () -> s.getWithProof(b("a"), 0), () -> s.changedKeys(-1, 0), () -> s.getExtra(b("h")),
                () -> s.scanExtras(new byte[0], (k, v) -> { }), () -> s.commit(1, puts("a", "2"), null));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(StateException.class).hasMessageContaining("closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aMissingWriteSetIsRefusedTheSameWay(String name, Kind kind) {
        try (StateStore s = kind.apply(tmp, PruningConfig.keepAll())) {
            assertThatThrownBy(() -> s.commit(0, null, null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(s.latestVersion()).isEqualTo(StateStore.NO_VERSION);
            s.commit(0, puts("a", "1"), null);
            assertThat(s.get(b("a"))).isEqualTo(b("1"));
        }
    }
}
