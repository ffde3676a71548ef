package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.BookSnapshotLoader;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Book-snapshot retention keeps the snapshot just written and the newest older one, and deletes
 * snapshots above it as stale: after a machine crash took back blocks the state had not synced
 * (--no-fsync, or a cluster replica, whose state never fsyncs) while their fsynced snapshots stayed,
 * retention by name alone deleted each new snapshot in its own write and returned a path that was gone.
 */
class BookSnapshotRetentionTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    @Test
    void theSnapshotJustWrittenIsNotDeletedByItsOwnRetention() throws Exception {
        Path snaps = tmp.resolve("snapshots");
        // The chain as it was before the crash: snapshots at 25 and 30, fsynced.
        Path before = tmp.resolve("before");
        RandomBlocks gen = new RandomBlocks(7, 6, 10);
        try (StateManager store = StateManager.open(before, CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            for (int i = 1; i <= 30; i++) {
                Block b = gen.next();
                engine.executeBlock(b.height(), b.time(), b.txs());
                if (i == 25 || i == 30) {
                    BookSnapshotWriter.write(engine, snaps);
                }
            }
        }
        // The state after the crash: the same chain, its last blocks lost (height 20).
        Path data = tmp.resolve("data");
        RandomBlocks again = new RandomBlocks(7, 6, 10);
        try (StateManager store = StateManager.open(data, CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            for (int i = 1; i <= 20; i++) {
                Block b = again.next();
                engine.executeBlock(b.height(), b.time(), b.txs());
            }
            Path written = BookSnapshotWriter.write(engine, snaps);
            assertThat(written).as("the snapshot of the committed height, just written").exists();
            assertThat(BookSnapshotLoader.loadLatest(snaps, store).snapshot())
                    .as("a usable snapshot after writing one").isNotNull();
            assertThat(snaps.resolve(BookSnapshotWriter.fileName(25))).as("stale, above the state").doesNotExist();
            assertThat(snaps.resolve(BookSnapshotWriter.fileName(30))).as("stale, above the state").doesNotExist();
        }
    }
}
