package io.dexnode.engine;

import io.dexnode.engine.tx.Block;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;

/**
 * The process {@link EngineCrashTest} kills: recovers the books (from a snapshot if any), then
 * applies the seeded block stream from the committed height on, fsyncing each block, printing
 * "committed H" after each commit and writing a warm snapshot every 25 blocks.
 */
public final class EngineCrashChild {
    private EngineCrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int blocks = Integer.parseInt(args[2]);
        try (StateManager store = StateManager.open(dir.resolve("state"), StateConfig.defaults())) {
            Engine engine = new Engine(store);
            engine.recover(RecoveryOptions.fromState().withSnapshots(dir.resolve("snapshots")));
            RandomBlocks gen = new RandomBlocks(seed, 6, 10);
            for (int i = 1; i <= blocks; i++) {
                Block b = gen.next();
                if (b.height() <= store.latestVersion()) {
                    continue;
                }
                engine.executeBlock(b.height(), b.time(), b.txs());
                System.out.println("committed " + b.height());
                System.out.flush();
                if (b.height() % 25 == 0) {
                    BookSnapshotWriter.write(engine, dir.resolve("snapshots"));
                }
            }
        }
        System.out.println("done");
    }
}
