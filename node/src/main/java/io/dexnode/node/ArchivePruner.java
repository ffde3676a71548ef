package io.dexnode.node;

import io.dexnode.engine.Engine;
import io.dexnode.engine.history.ArchiveRetention;
import io.dexnode.state.DaemonExecutors;
import io.dexnode.state.StateStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archive retention ({@code --archive-retention-blocks N}): when asked (after a passing
 * consistency check), finds on its own thread the archive records of blocks older than the last
 * N, a bounded batch per round, and hands their deletion to the engine, which writes it with the
 * next block. Only records beside the state are deleted, never state. One round at a time; the
 * height it reached is kept in memory, so after a restart the first round starts from the oldest
 * archive block left.
 */
final class ArchivePruner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchivePruner.class);
    /** Orders' worth of records planned per round, so that a round's reads and the next block's write stay small. */
    static final int ORDERS_PER_ROUND = 100_000;

    private final StateStore store;
    private final Engine engine;
    private final long retentionBlocks;
    private final ExecutorService thread = DaemonExecutors.single("archive-pruner");
    private final AtomicBoolean running = new AtomicBoolean();
    /** The highest archive block already handed to the engine (written by the pruner thread only). */
    private volatile long prunedThrough;

    ArchivePruner(StateStore store, Engine engine, long retentionBlocks) {
        this.store = store;
        this.engine = engine;
        this.retentionBlocks = retentionBlocks;
    }

    /** Starts a round for committed height {@code height} unless one is running or nothing is old enough. */
    void prune(long height) {
        long below = height - retentionBlocks + 1;
        if (retentionBlocks <= 0 || below <= prunedThrough + 1 || !running.compareAndSet(false, true)) {
            return;
        }
        thread.execute(() -> {
            try {
                ArchiveRetention.Plan plan = ArchiveRetention.plan(store, prunedThrough + 1, below, ORDERS_PER_ROUND);
                if (!plan.deletes().isEmpty()) {
                    engine.deleteExtrasWithNextBlock(plan.deletes());
                    LOG.info("archive retention: deleting the records of {} orders archived in {} blocks, through height {}",
                            plan.orders(), plan.blocks(), plan.throughHeight());
                }
                prunedThrough = Math.max(prunedThrough, plan.throughHeight());
            } catch (RuntimeException e) {
                LOG.warn("archive retention round failed (tried again after the next check): {}", e.getMessage(), e);
            } finally {
                running.set(false);
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
