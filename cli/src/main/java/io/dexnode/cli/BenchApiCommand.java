package io.dexnode.cli;

import io.dexnode.bench.api.ApiBench;
import io.dexnode.bench.api.ApiLoad;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Ed25519;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode bench api}: signed orders over loopback HTTP or the WebSocket stream with many
 * connections, in a closed loop or at a fixed rate, one or a batch of orders per transaction,
 * against an in-process node on a temp directory ({@code --dev}) or a running one ({@code --node}).
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Load generator over loopback HTTP or the stream: signed orders/s, latency percentiles, cores used.")
public final class BenchApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--orders", paramLabel = "N", description = "Orders to send, one per transaction or --batch K to a transaction (default ${DEFAULT-VALUE}).")
    int orders = 50_000;

    @Option(names = "--connections", paramLabel = "C", description = "Concurrent clients: HTTP connections, or streams with --ws (default ${DEFAULT-VALUE}).")
    int connections = 128;

    @Option(names = "--accounts", paramLabel = "A", description = "Trading accounts, at least C (default: 2 x C).")
    Integer accounts;

    @Option(names = "--node", paramLabel = "URL", description = "Use this running node (it must run with --dev) instead of starting one.")
    String node;

    @Option(names = "--market", description = "Market id (default ${DEFAULT-VALUE}).")
    int market = 1;

    @Option(names = "--block-ms", description = "In-process node: --block-ms (default ${DEFAULT-VALUE}).")
    int blockMs = NodeConfig.DEFAULT_BLOCK_MS;

    @Option(names = "--block-txs", description = "In-process node: --block-txs (default ${DEFAULT-VALUE}).")
    int blockTxs = 1000;

    @Option(names = "--no-fsync", description = "In-process node: do not fsync each block.")
    boolean noFsync;

    @Option(names = "--key-tables", paramLabel = "N", description = "In-process node: --key-tables (default ${DEFAULT-VALUE}).")
    int keyTables = Ed25519.DEFAULT_KEY_TABLES;

    @Option(names = "--seed", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--batch", paramLabel = "K", description = "Orders per transaction: 1 (default), or batches of up to 50.")
    int batch = 1;

    @Option(names = "--ws", description = "Send transactions over the WebSocket stream ({\"op\":\"tx\"}) instead of POST /v1/tx.")
    boolean ws;

    @Option(names = "--rate", paramLabel = "R", description = "Open loop: offer R orders/s on a fixed schedule, each timed from "
            + "when it was due (default: closed loop, each connection sends when its previous transaction is answered).")
    double rate;

    @Option(names = "--warmup", paramLabel = "W|auto", description = "Before the measured run, send W orders (closed loop, not "
            + "reported), or with auto (the default) rounds of orders until the node's JIT compiler has settled (a round in which "
            + "it compiled under 5 %% of the time; closed loop, then with --rate rounds of 5 s at that rate) or --warmup-limit has "
            + "passed; 0 for none.")
    String warmup = "auto";

    @Option(names = "--warmup-limit", paramLabel = "SECONDS", description = "The longest warm-up with --warmup auto "
            + "(default ${DEFAULT-VALUE}).")
    int warmupLimit = ApiBench.DEFAULT_WARMUP_LIMIT_SECONDS;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Also write every measured transaction's times as CSV to FILE: "
            + "client, index, when it was due (its send in a closed loop), sent and answered, in microseconds since this JVM "
            + "started (the clock of -Xlog's uptime), and the answer's status.")
    Path trace;

    @Override
    public Integer call() throws Exception {
        int accountCount = accounts == null ? 2 * connections : accounts;
        int warmupOrders = warmupOrders();
        if (orders < 1 || connections < 1 || accountCount < connections || batch < 1 || batch > 50 || rate < 0
                || warmupOrders < ApiBench.WARMUP_UNTIL_SETTLED || warmupLimit < 1 || keyTables < 0) {
            spec.commandLine().getErr().println("dexnode bench api: need --orders >= 1, --connections >= 1, --accounts >= --connections,"
                    + " --batch from 1 to 50, --rate >= 0, --warmup auto or a number of orders >= 0, --warmup-limit >= 1,"
                    + " --key-tables >= 0");
            return 2;
        }
        Ed25519.keepKeyTables(keyTables);
        ApiLoad.Report report;
        try {
            report = ApiBench.run(new ApiBench.Settings(orders, connections, accountCount, node, market, blockMs, blockTxs, !noFsync,
                    seed, null, batch, ws ? ApiLoad.Transport.WS : ApiLoad.Transport.HTTP, rate, warmupOrders, warmupLimit, trace), System.out);
        } catch (ApiBench.DepositsRefusedException | ApiBench.NoAnswerException e) {
            spec.commandLine().getErr().println("dexnode bench api: " + e.getMessage());
            return 1;
        } catch (ConnectException e) {
            spec.commandLine().getErr().println("dexnode bench api: cannot connect to the node at " + node + ": " + e.getMessage());
            return 1;
        }
        if (json != null) {
            JsonReport.write(json, report.toJson(), System.out);
        }
        if (report.unanswered() > 0) {
            spec.commandLine().getErr().println("dexnode bench api: " + report.unanswered() + " transactions got no answer;"
                    + " the run does not measure the node (its figures count the answered ones only)");
            return 1;
        }
        return 0;
    }

    /** --warmup as orders, {@link ApiBench#WARMUP_UNTIL_SETTLED} for auto, or below that when it is neither. */
    private int warmupOrders() {
        if (warmup.equals("auto")) {
            return ApiBench.WARMUP_UNTIL_SETTLED;
        }
        try {
            int orders = Integer.parseInt(warmup);
            return orders < 0 ? Integer.MIN_VALUE : orders;
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }
}
