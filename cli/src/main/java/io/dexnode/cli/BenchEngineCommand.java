package io.dexnode.cli;

import io.dexnode.bench.engine.EngineBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dexnode bench engine}: orders per second with a commit and state root per block, archiving and not, and the risk pass's cost. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Orders per second through the engine with a commit and state root per block.")
public final class BenchEngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--orders", paramLabel = "N", description = "order transactions (default ${DEFAULT-VALUE})")
    int orders = 500_000;

    @Option(names = "--warmup", paramLabel = "W", description = "order transactions executed and committed the same way "
            + "before timing starts, so that the JIT has compiled the hot paths and the store is not empty (default ${DEFAULT-VALUE})")
    int warmup = 100_000;

    @Option(names = "--markets", paramLabel = "M", description = "markets (default ${DEFAULT-VALUE})")
    int markets = 10;

    @Option(names = "--accounts", paramLabel = "A", description = "trading accounts (default ${DEFAULT-VALUE})")
    int accounts = 1_000;

    @Option(names = "--block-txs", paramLabel = "K", description = "transactions per block (default ${DEFAULT-VALUE})")
    int blockTxs = 1_000;

    @Option(names = "--no-pipeline", description = "wait for each block's write before executing the next (default: the write overlaps the next block, as the node runs)")
    boolean noPipeline;

    @Option(names = "--no-fsync", description = "do not fsync each commit")
    boolean noFsync;

    @Option(names = "--archive-after", paramLabel = "N", description = "the archiving chain's archiveAfterBlocks; the same "
            + "run also measures a chain that never archives (default ${DEFAULT-VALUE})")
    int archiveAfter = 100;

    @Option(names = "--holders", paramLabel = "H", description = "accounts that first take leveraged positions in a market of"
            + " their own, untimed, for the end-of-block risk pass to watch (default ${DEFAULT-VALUE})")
    int holders = 0;

    @Option(names = "--index-moves", description = "every block starts with the oracle moving each market's index price by one tick")
    boolean indexMoves;

    @Option(names = "--seed", description = "workload seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the temporary database goes; deleted afterwards")
    Path dir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (orders < 1 || markets < 1 || accounts < 1 || blockTxs < 1) {
            spec.commandLine().getErr().println("dexnode bench engine: --orders, --markets, --accounts and --block-txs must be positive");
            return 2;
        }
        if (archiveAfter < 1) {
            spec.commandLine().getErr().println("dexnode bench engine: --archive-after must be positive (the other chain never archives)");
            return 2;
        }
        if (holders < 0) {
            spec.commandLine().getErr().println("dexnode bench engine: --holders must be 0 or more");
            return 2;
        }
        if (warmup < 0) {
            spec.commandLine().getErr().println("dexnode bench engine: --warmup must be 0 or more");
            return 2;
        }
        EngineBench.Report report = EngineBench.run(
                new EngineBench.Settings(orders, warmup, markets, accounts, blockTxs, dir, seed, !noFsync, !noPipeline, archiveAfter,
                        holders, indexMoves), System.out);
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        return 0;
    }
}
