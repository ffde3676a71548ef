package io.dexnode.engine;

import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;

/**
 * The process {@link EngineCrashTest} kills: recovers the books (from a snapshot if any), then
 * applies the seeded block stream from the committed height on, fsyncing each block, printing
 * "committed H" after each commit and writing a warm snapshot every 25 blocks. A fourth argument
 * sets the chain's {@code archiveAfterBlocks}.
 */
public final class EngineCrashChild {
    private EngineCrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int blocks = Integer.parseInt(args[2]);
        int archiveAfterBlocks = args.length > 3 ? Integer.parseInt(args[3]) : RandomBlocks.DEFAULT_CHAIN_PARAMS;
        try (StateManager store = StateManager.open(dir.resolve("state"), StateConfig.defaults())) {
            Engine engine = new Engine(store);
            engine.recover(RecoveryOptions.fromState().withSnapshots(dir.resolve("snapshots")));
            RandomBlocks gen = new RandomBlocks(seed, 6, 10, archiveAfterBlocks, true);
            // Pipelined, as a node may run: block N's write overlaps block N+1's execution, and N is
            // acknowledged (printed) only once durable.
            Engine.PendingBlock previous = null;
            for (int i = 1; i <= blocks; i++) {
                Block b = gen.next();
                if (b.height() <= store.latestVersion()) {
                    continue;
                }
                Engine.PendingBlock pending = engine.executeBlockPipelined(b.height(), b.time(), b.txs());
                if (previous != null) {
                    acknowledge(previous);
                }
                previous = pending;
                if (b.height() % 25 == 0) {
                    acknowledge(previous);
                    previous = null;
                    BookSnapshotWriter.write(engine, dir.resolve("snapshots"));
                }
            }
            if (previous != null) {
                acknowledge(previous);
            }
        }
        System.out.println("done");
    }

    private static void acknowledge(Engine.PendingBlock block) {
        block.awaitDurable();
        System.out.println("committed " + block.result().header().height());
        System.out.flush();
    }
}
