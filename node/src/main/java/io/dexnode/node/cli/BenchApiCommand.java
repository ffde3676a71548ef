package io.dexnode.node.cli;

import io.dexnode.bench.api.ApiLoad;
import io.dexnode.bench.api.ApiWorkload;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Signer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode bench api}: signed orders over loopback HTTP with many connections, against an
 * in-process node on a temp directory ({@code --dev}) or a running one ({@code --node}).
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Load generator over loopback HTTP: signed orders/s and latency percentiles.")
public final class BenchApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--orders", paramLabel = "N", description = "Order transactions to send (default ${DEFAULT-VALUE}).")
    int orders = 50_000;

    @Option(names = "--connections", paramLabel = "C", description = "Concurrent HTTP clients (default ${DEFAULT-VALUE}).")
    int connections = 128;

    @Option(names = "--accounts", paramLabel = "A", description = "Trading accounts, at least C (default: 2 x C).")
    Integer accounts;

    @Option(names = "--node", paramLabel = "URL", description = "Use this running node (it must run with --dev) instead of starting one.")
    String node;

    @Option(names = "--market", description = "Market id (default ${DEFAULT-VALUE}).")
    int market = 1;

    @Option(names = "--block-ms", description = "In-process node: --block-ms (default ${DEFAULT-VALUE}).")
    int blockMs = 5;

    @Option(names = "--block-txs", description = "In-process node: --block-txs (default ${DEFAULT-VALUE}).")
    int blockTxs = 1000;

    @Option(names = "--no-fsync", description = "In-process node: do not fsync each block.")
    boolean noFsync;

    @Option(names = "--seed", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        int accountCount = accounts == null ? 2 * connections : accounts;
        if (orders < 1 || connections < 1 || accountCount < connections) {
            spec.commandLine().getErr().println("dexnode bench api: need --orders >= 1, --connections >= 1, --accounts >= --connections");
            return 2;
        }
        PrintStream out = System.out;
        Path dir = null;
        Node started = null;
        try {
            String url = node;
            if (url == null) {
                dir = Files.createTempDirectory("dexnode-bench-api");
                NodeConfig cfg = NodeConfig.defaults(dir.resolve("data")).withPort(0).withGenesis(dir.resolve("genesis.json"))
                        .withDev(true).withBlocks(blockMs, blockTxs).withQueue(Math.max(10_000, 2 * connections))
                        .withFsync(!noFsync);
                started = Node.start(cfg);
                url = started.url();
                out.printf("started an in-process node at %s (--dev, block-ms %d, block-txs %d, fsync %s) in %s%n", url, blockMs,
                        blockTxs, !noFsync, dir);
            }
            URI txUrl = URI.create(url + "/v1/tx");
            out.printf("signing %d accounts' deposits and %d orders...%n", accountCount, orders);
            List<Signer> signers = new ArrayList<>(accountCount);
            List<String> names = new ArrayList<>(accountCount);
            for (int i = 0; i < accountCount; i++) {
                Signer s = Signer.generate();
                signers.add(s);
                names.add(s.account());
            }
            List<List<String>> payloads = ApiWorkload.orders(names, market, orders, seed);
            List<List<String>> deposits = new ArrayList<>();
            List<List<String>> bodies = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                deposits.add(new ArrayList<>());
                bodies.add(new ArrayList<>());
            }
            // Account a belongs to client a % C, which sends its transactions in nonce order.
            for (int a = 0; a < accountCount; a++) {
                Signer s = signers.get(a);
                deposits.get(a % connections).add(s.envelope(ApiWorkload.deposit(s.account())));
            }
            for (int c = 0; c < connections; c++) {
                // Interleave the client's accounts so that consecutive requests come from different accounts.
                List<List<String>> mine = new ArrayList<>();
                for (int a = c; a < accountCount; a += connections) {
                    List<String> signed = new ArrayList<>();
                    for (String p : payloads.get(a)) {
                        signed.add(signers.get(a).envelope(p));
                    }
                    mine.add(signed);
                }
                for (int k = 0; ; k++) {
                    boolean any = false;
                    for (List<String> m : mine) {
                        if (k < m.size()) {
                            bodies.get(c).add(m.get(k));
                            any = true;
                        }
                    }
                    if (!any) {
                        break;
                    }
                }
            }
            out.println("funding accounts...");
            ApiLoad.Report funded = ApiLoad.run(txUrl, deposits, out);
            if (funded.statuses().getOrDefault(200, 0L) != accountCount) {
                spec.commandLine().getErr().println("dexnode bench api: deposits were refused " + funded.statuses()
                        + " (a --node must run with --dev)");
                return 1;
            }
            out.println("sending orders...");
            ApiLoad.Report report = ApiLoad.run(txUrl, bodies, out);
            if (json != null) {
                JsonReport.write(json, report.toJson(), out);
            }
            return 0;
        } finally {
            if (started != null) {
                started.close();
            }
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
