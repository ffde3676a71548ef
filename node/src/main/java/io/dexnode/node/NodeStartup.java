package io.dexnode.node;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryRefusedException;
import io.dexnode.engine.recovery.RecoveryReport;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovering the books at start, in exactly one place ({@link #recover}): warm snapshot with
 * incremental catch-up when usable, else a rebuild from state that repairs inconsistencies. The
 * warm snapshots themselves are written by {@link BookSnapshots}.
 */
public final class NodeStartup {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStartup.class);

    private NodeStartup() {
    }

    /** Where a node keeps its warm book snapshots: inside its data directory. */
    public static Path snapshotDir(Path data) {
        return data.resolve(BookSnapshotWriter.DIRECTORY);
    }

    /**
     * Recovers every market's book. With {@code strict}, any inconsistency between the ActiveOrder
     * index and the order records refuses the start instead of being repaired.
     *
     * @throws IllegalStateException in strict mode when the state is inconsistent
     */
    public static RecoveryReport recover(Engine engine, boolean strict, Path data) {
        return recover(engine, strict, false, data);
    }

    /**
     * Recovers as {@link #recover(Engine, boolean, Path)}; with {@code deferRepairs} (a cluster
     * replica) an inconsistency is not repaired here: the report carries the pending repair, which
     * only a block the leader proposes may commit.
     */
    public static RecoveryReport recover(Engine engine, boolean strict, boolean deferRepairs, Path data) {
        RecoveryReport report;
        try {
            report = engine.recover(RecoveryOptions.fromState().withStrict(strict).withDeferredRepairs(deferRepairs)
                    .withSnapshots(snapshotDir(data)));
        } catch (RecoveryRefusedException e) {
            throw new IllegalStateException("--strict: " + e.getMessage(), e);
        }
        String repairs = report.clean() ? ""
                : report.pendingRepair() != null ? "; found " + report.describeInconsistencies()
                        + ", to be repaired by a block the leader proposes"
                : "; repaired in block " + report.repairHeight() + ": " + report.describeInconsistencies();
        LOG.info("recovered {} active orders at height {} via {} in {} ms ({}){}", report.totalOrders(), engine.height(),
                report.method().metricName(), report.nanos() / 1_000_000, report.ordersByMarket(), repairs);
        return report;
    }
}
