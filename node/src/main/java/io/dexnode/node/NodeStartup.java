package io.dexnode.node;

import io.dexnode.engine.Engine;
import io.dexnode.engine.RecoveryReport;
import io.dexnode.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's two lifecycle seams around the books, each in exactly one place: rebuilding them at
 * start ({@link #recover}) and the hook at a clean shutdown ({@link #onShutdown}, where the warm
 * book snapshot goes).
 */
public final class NodeStartup {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStartup.class);

    private NodeStartup() {
    }

    /**
     * Rebuilds every market's book from committed state. With {@code strict}, any inconsistency
     * between the ActiveOrder index and the order records refuses the start.
     *
     * @throws IllegalStateException in strict mode when the state is inconsistent
     */
    public static RecoveryReport recover(Engine engine, boolean strict) {
        RecoveryReport report = engine.rebuildOrderbookFromState();
        if (!report.clean()) {
            String what = report.inconsistencies().toString();
            if (strict) {
                throw new IllegalStateException("--strict: recovery found " + report.totalInconsistencies()
                        + " inconsistencies between the ActiveOrder index and the orders: " + what);
            }
            LOG.warn("recovery skipped {} inconsistent index entries: {}", report.totalInconsistencies(), what);
        }
        LOG.info("recovered {} active orders at height {} ({})", report.totalOrders(), engine.height(),
                report.ordersByMarket());
        return report;
    }

    /**
     * Called once at a clean shutdown, after the last block is committed and before the store
     * closes, on the thread that owned the engine last. A placeholder for the warm snapshot.
     */
    public static void onShutdown(Engine engine, StateStore store) {
        // Intentionally empty: the warm on-disk book snapshot of issue #6 is written here.
    }
}
