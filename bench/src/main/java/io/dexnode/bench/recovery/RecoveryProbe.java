package io.dexnode.bench.recovery;

import io.dexnode.engine.Depth;
import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;

/**
 * A fresh process doing what a starting node does before it serves: open the state, recover the
 * books (from state, or from the warm snapshot when there is one), answer one depth query. Prints
 * {@code ready <rebuild nanos> <method> <orders>} when the query is answered; {@link RecoveryBench}
 * times the process from its start to that line.
 */
public final class RecoveryProbe {
    private RecoveryProbe() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        boolean useSnapshot = args[1].equals("snapshot");
        try (StateManager store = StateManager.open(dir, StateConfig.defaults())) {
            Engine engine = new Engine(store);
            RecoveryOptions options = RecoveryOptions.fromState();
            if (useSnapshot) {
                options = options.withSnapshots(dir.resolve(BookSnapshotWriter.DIRECTORY));
            }
            RecoveryReport r = engine.recover(options);
            Depth depth = engine.depth(1, 10);
            if (depth == null || depth.bids().length == 0) {
                throw new IllegalStateException("the first query found no book");
            }
            System.out.println("ready " + r.nanos() + " " + r.method().metricName() + " " + r.totalOrders()
                    + (r.snapshotNote() == null ? "" : " note: " + r.snapshotNote()));
            System.out.flush();
        }
    }
}
