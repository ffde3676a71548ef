package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proofs contract of issue #11, each kind of height on its own: the latest version, each of
 * the last 1,000 versions (no tree of their own: recomputed back from the latest), every persisted
 * tree version, versions between two persisted trees far back (recomputed forward from the older
 * one), the same after a reopen that re-applied the unpersisted run, and a pruned height refused
 * naming the retained range. Every proof verifies against the root committed at its version.
 */
@Timeout(300)
class ProofContractTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20);
    /** A persisted tree every 500 versions, never by key count or memory. */
    private static final TreePersistence EVERY_500 = new TreePersistence(500, Long.MAX_VALUE, 1L << 40);
    private static final int VERSIONS = 1_700;

    @TempDir
    Path tmp;

    @Test
    void everyRetainedHeightProvesAgainstItsRootWhicheverTreeItWalks() {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        StateConfig cfg = CFG.withTreePersistence(EVERY_500);
        try (StateManager sm = StateManager.open(dir, cfg)) {
            for (long v = 0; v < VERSIONS; v++) {
                WriteSet ws = Workload.writes(21, v, 8);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            assertThat(sm.awaitBackgroundWork(60_000)).isTrue();
            List<Long> persisted = sm.persistedTreeVersions();
            assertThat(persisted).as("a persisted tree every 500 versions").containsExactly(499L, 999L, 1499L);
            proveAll(sm, ref, heights(persisted), 11);
        }
        try (StateManager sm = StateManager.open(dir, cfg)) {
            assertThat(sm.persistStats().recovery().versions()).as("the run after 1499 re-applied").isEqualTo(200);
            proveAll(sm, ref, heights(sm.persistedTreeVersions()), 12);
        }
    }

    @Test
    void aPrunedHeightIsRefusedNamingTheRetainedRange() {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, CFG.withTreePersistence(EVERY_500).withPruning(PruningConfig.keepLast(1_200)))) {
            for (long v = 0; v < VERSIONS; v++) {
                WriteSet ws = Workload.writes(22, v, 8);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            sm.awaitPruning();
            long oldest = sm.oldestRetainedVersion();
            assertThat(oldest).isEqualTo(VERSIONS - 1_200);
            assertThatThrownBy(() -> sm.getWithProof(Workload.key(0, 0), oldest - 1))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("pruned")
                    .hasMessageContaining(Long.toString(oldest));
            proveAll(sm, ref, List.of(oldest, oldest + 1, 999L, 1_000L), 13);
        }
    }

    /**
     * The latest version, the last 1,000 (each of the last 100, then every ninth, and the
     * 1,000th back), the persisted trees and their neighbours, and the
     * middle of each run between two of them.
     */
    private static List<Long> heights(List<Long> persisted) {
        List<Long> out = new ArrayList<>();
        for (long back = 0; back < 1_000; back += back < 100 ? 1 : 9) {
            out.add(VERSIONS - 1 - back);
        }
        out.add(VERSIONS - 1_000L);
        long previous = 0;
        for (long p : persisted) {
            out.add(p);
            out.add(p - 1);
            out.add(p + 1);
            out.add((previous + p) / 2);
            previous = p;
        }
        out.add(0L);
        return out;
    }

    private static void proveAll(StateManager sm, ReferenceHistory ref, List<Long> heights, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long v : heights) {
            TreeMap<byte[], byte[]> state = ref.at(v);
            byte[] key = r.nextInt(4) == 0 || state.isEmpty() ? Workload.randomKey(r) : pick(state, r);
            StateProof p = sm.getWithProof(key, v);
            assertThat(p.root()).as("root at %d", v).isEqualTo(ref.roots.get(v));
            assertThat(p.value()).as("value at %d", v).isEqualTo(state.get(key));
            assertThat(p.verify()).as("proof at %d", v).isTrue();
        }
    }

    private static byte[] pick(TreeMap<byte[], byte[]> state, SplittableRandom r) {
        int skip = r.nextInt(state.size());
        for (byte[] k : state.keySet()) {
            if (skip-- == 0) {
                return k;
            }
        }
        throw new IllegalStateException();
    }
}
