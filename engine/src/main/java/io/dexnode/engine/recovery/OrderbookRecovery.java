package io.dexnode.engine.recovery;

import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers every market's book (layer 3 of the design): from the newest usable warm snapshot when
 * asked and one exists ({@link SnapshotRecovery}), else from committed state
 * ({@link StateRecovery}), which repairs what it finds wrong by one repair block or, when strict,
 * refuses. Either way the books end verified against the ActiveOrder index ({@link BookVerifier}).
 */
public final class OrderbookRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OrderbookRecovery.class);

    private OrderbookRecovery() {
    }

    public static RecoveryReport recover(RecoveryTarget target, RecoveryOptions options) {
        long start = System.nanoTime();
        String note = null;
        if (options.snapshotDir() != null) {
            BookSnapshotLoader.Result loaded = BookSnapshotLoader.loadLatest(options.snapshotDir(), target.store());
            if (loaded.snapshot() != null) {
                if (loaded.problem() != null) {
                    LOG.warn("newer warm snapshots skipped: {}", loaded.problem());
                }
                try {
                    RecoveryReport r = SnapshotRecovery.recover(target, loaded.snapshot(), options, start);
                    LOG.info("books recovered from snapshot of height {} ({}): {} orders in {} ms",
                            loaded.snapshot().version(), r.method().metricName(), r.totalOrders(), r.nanos() / 1_000_000);
                    return r;
                } catch (SnapshotUnusableException e) {
                    note = e.getMessage();
                    LOG.warn("warm snapshot not used, recovering from state: {}", note);
                }
            } else if (loaded.problem() != null) {
                note = loaded.problem();
                LOG.warn("warm snapshot not used, recovering from state: {}", note);
            }
        }
        RecoveryReport r = StateRecovery.recover(target, options, start, note);
        LOG.info("books recovered from state: {} orders in {} markets in {} ms{}", r.totalOrders(),
                r.ordersByMarket().size(), r.nanos() / 1_000_000,
                r.clean() ? "" : "; repaired " + r.describeInconsistencies() + " in block " + r.repairHeight());
        return r;
    }

    /** The failure of a recovery task, as the exception to throw from the recovering thread. */
    static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("recovery failed", c);
    }

    /** Commits a repair found by a recovery that deferred it, as block {@code height} at {@code time}. */
    public static void commitDeferred(RecoveryTarget target, PendingRepair repair, long height, long time,
                                      io.dexnode.state.WriteSet records) {
        RepairBlock.commit(target, repair.plan, repair.resting, repair.found, height, time, records);
    }
}
