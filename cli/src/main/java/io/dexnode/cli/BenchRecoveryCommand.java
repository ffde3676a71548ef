package io.dexnode.cli;

import io.dexnode.bench.recovery.RecoveryBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dexnode bench recovery}: rebuild times from state, snapshot and snapshot + incremental, and start to first query. */
@Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Time to rebuild order books: from state, from a snapshot, snapshot + incremental.")
public final class BenchRecoveryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--active", paramLabel = "N", description = "active orders (default ${DEFAULT-VALUE})")
    int active = 10_000;

    @Option(names = "--markets", paramLabel = "M", description = "markets (default ${DEFAULT-VALUE})")
    int markets = 1;

    @Option(names = "--history-ratio", paramLabel = "R", description = "archived filled/cancelled orders per active one: "
            + "moved out of the tree as blocks archive them; the run also rebuilds the same state without them (default ${DEFAULT-VALUE})")
    int historyRatio = 3;

    @Option(names = "--history", paramLabel = "F", description = "filled/cancelled orders per active one still in the tree "
            + "(finished within archiveAfterBlocks, or on a chain that never archives) (default ${DEFAULT-VALUE})")
    int history = 0;

    @Option(names = "--repetitions", paramLabel = "R", description = "timed rebuilds per method (default ${DEFAULT-VALUE})")
    int repetitions = 5;

    @Option(names = "--seed", description = "workload seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the temporary state goes; deleted afterwards")
    Path dir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (active < 1 || markets < 1 || history < 0 || historyRatio < 0 || repetitions < 1) {
            spec.commandLine().getErr().println("dexnode bench recovery: --active, --markets and --repetitions must be positive,"
                    + " --history and --history-ratio 0 or more");
            return 2;
        }
        RecoveryBench.Report report = RecoveryBench.run(
                new RecoveryBench.Settings(active, markets, history, historyRatio, repetitions, dir, seed), System.out);
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        return 0;
    }
}
