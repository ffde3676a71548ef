package io.dexnode.state;

import static io.dexnode.state.Writes.puts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state verify} on a healthy store whose pruning horizon has passed its newest persisted
 * tree: the pruner keeps that tree's root (it once deleted it, and verify reported a healthy store
 * as damaged), and a store pruned that way by an earlier build still verifies, its tree checked
 * through the roots of the change logs re-applied on it.
 */
class VerifyAfterPruningTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20)
            .withPruning(PruningConfig.keepLast(3))
            .withTreePersistence(new TreePersistence(10, 1_000_000, 1 << 30));

    @TempDir
    Path tmp;

    private Path prunedStore() {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            for (int v = 0; v < 15; v++) {
                sm.commit(v, puts("k" + (v % 4), "v" + v), null);
            }
            sm.awaitPruning();
            assertThat(sm.persistedTreeVersions()).containsExactly(9L);
            assertThat(sm.oldestRetainedVersion()).isGreaterThan(9L);
        }
        return dir;
    }

    private static List<StateVerifier.Problem> verify(Path dir) {
        return StateVerifier.verify(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).problems();
    }

    @Test
    void aStorePrunedPastItsNewestTreeKeepsThatTreesRootAndVerifies() {
        Path dir = prunedStore();
        try (StateDirectory d = StateDirectory.openReadOnly(dir, 1 << 20)) {
            assertThat(d.get(d.meta, RecordCodec.rootKey(9))).as("the persisted tree's root").isNotNull();
            assertThat(d.get(d.meta, RecordCodec.rootKey(8))).as("an older root, pruned").isNull();
        }
        assertThat(verify(dir)).isEmpty();
    }

    @Test
    void aStoreWhoseNewestTreeLostItsRootToAnEarlierPrunerStillVerifies() throws Exception {
        Path dir = prunedStore();
        try (StateDirectory d = StateDirectory.openLayout(dir, 1 << 20)) {
            d.db.delete(d.meta, RecordCodec.rootKey(9)); // what the pruner before this change left
        }
        assertThat(verify(dir)).isEmpty();
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(14);
        }
    }
}
