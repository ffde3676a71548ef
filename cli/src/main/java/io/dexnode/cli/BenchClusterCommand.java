package io.dexnode.cli;

import io.dexnode.bench.cluster.ClusterBench;
import io.dexnode.node.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode bench cluster}: signed orders through a cluster of replica processes on loopback
 * and through a single-node process, in the same run.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Signed orders/s and latency through a cluster of replicas on loopback and through a single node, in one run.")
public final class BenchClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", description = "Replicas in the cluster (default ${DEFAULT-VALUE}).")
    int nodes = 3;

    @Option(names = "--orders", paramLabel = "N", description = "Order transactions per leg (default ${DEFAULT-VALUE}).")
    int orders = 20_000;

    @Option(names = "--connections", paramLabel = "C", description = "Concurrent HTTP clients (default ${DEFAULT-VALUE}).")
    int connections = 64;

    @Option(names = "--block-ms", description = "Every node's --block-ms (default ${DEFAULT-VALUE}).")
    int blockMs = NodeConfig.DEFAULT_BLOCK_MS;

    @Option(names = "--block-txs", description = "Every node's --block-txs (default ${DEFAULT-VALUE}).")
    int blockTxs = 1000;

    @Option(names = "--no-fsync", description = "Run every node with --no-fsync.")
    boolean noFsync;

    @Option(names = "--heap", paramLabel = "SIZE", description = "Each node process's heap, -Xmx (default ${DEFAULT-VALUE}).")
    String heap = "1g";

    @Option(names = "--seed", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || orders < 1 || connections < 1) {
            spec.commandLine().getErr().println("dexnode bench cluster: need --nodes, --orders and --connections >= 1");
            return 2;
        }
        ClusterBench.Report report = ClusterBench.run(new ClusterBench.Settings(nodes, orders, connections, 2 * connections,
                blockMs, blockTxs, !noFsync, seed, Main.class.getName(), List.of("-Xmx" + heap)), System.out);
        System.out.printf("cluster of %d: %.0f orders/s (%.0f%% of the single node's %.0f); p99 %.2f ms (single node %.2f ms)%n",
                nodes, report.cluster().ordersPerSecond(), 100 * report.cluster().ordersPerSecond()
                        / report.single().ordersPerSecond(), report.single().ordersPerSecond(),
                report.cluster().p99Micros() / 1e3, report.single().p99Micros() / 1e3);
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        return 0;
    }
}
