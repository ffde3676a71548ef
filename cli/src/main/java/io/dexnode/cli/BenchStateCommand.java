package io.dexnode.cli;

import io.dexnode.bench.state.StateBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode bench state}: state-store commit throughput with a root per commit and fsync per
 * commit, next to raw RocksDB batches of the same keys and values, plus read and scan rates.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = {"State-store commit throughput (root per commit) next to raw RocksDB; read and scan rates.",
            "With --restart: time from a SIGKILLed process's restart to serving, at the largest unpersisted run."})
public final class BenchStateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--keys", paramLabel = "N", description = "state size in keys (default ${DEFAULT-VALUE})")
    int keys = 1_000_000;

    @Option(names = "--batch", paramLabel = "K", split = ",",
            description = "key updates per commit; repeat or comma-separate (default 1000,10000)")
    List<Integer> batches = List.of(1_000, 10_000);

    @Option(names = "--updates", paramLabel = "U",
            description = "key updates timed per batch size (default ${DEFAULT-VALUE})")
    long updates = 300_000;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where the temporary databases go (default: java.io.tmpdir); deleted afterwards")
    Path dir;

    @Option(names = "--keep-last", paramLabel = "V",
            description = "prune the state to its last V versions (default ${DEFAULT-VALUE}: keep all)")
    long keepLast;

    @Option(names = "--seed", description = "workload seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--restart", description = {"instead: time a restart after SIGKILL with the largest unpersisted run",
        "the default tree persistence allows (at --keys, updates of the last --batch keys per version)"})
    boolean restart;

    @Option(names = "--restarts", paramLabel = "R", description = "restarts timed with --restart (default ${DEFAULT-VALUE})")
    int restarts = 3;

    @Override
    public Integer call() throws IOException {
        if (keys < 1 || updates < 1 || keepLast < 0 || batches.isEmpty() || batches.stream().anyMatch(b -> b == null || b < 1)) {
            spec.commandLine().getErr().println("dexnode bench state: --keys, --batch and --updates must be positive");
            return 2;
        }
        if (restart) {
            io.dexnode.bench.state.RestartBench.Report r = io.dexnode.bench.state.RestartBench.run(keys,
                    batches.get(batches.size() - 1), Math.max(1, restarts), dir, seed, System.out);
            System.out.printf(java.util.Locale.ROOT, "restart: median %.0f ms from process start to serving (open %.0f ms)%n",
                    io.dexnode.bench.state.RestartBench.median(r.spawnToServingMillis()),
                    io.dexnode.bench.state.RestartBench.median(r.openMillis()));
            if (json != null) {
                JsonReport.write(json, r.toJson(), System.out);
            }
            return 0;
        }
        StateBench.Report report = StateBench.run(new StateBench.Settings(keys, batches, updates, dir, seed, keepLast), System.out);
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        return 0;
    }
}
