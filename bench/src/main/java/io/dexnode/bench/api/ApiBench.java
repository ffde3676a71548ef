package io.dexnode.bench.api;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Signer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The API benchmark end to end: against an in-process {@code --dev} node on a scratch directory
 * (or a running one), funds the accounts, then sends the signed order flow of {@link ApiWorkload}
 * with {@link ApiLoad}. Every account belongs to one client, which sends its transactions in nonce
 * order; consecutive requests of a client come from different accounts. Everything is signed
 * before the clock starts.
 */
public final class ApiBench {

    /**
     * What to run. {@code nodeUrl} null starts an in-process node with {@code blockMs},
     * {@code blockTxs} and {@code fsync}; otherwise that node is used and must run with {@code --dev}.
     * {@code dir} is where the in-process node's scratch directory goes (null: the system's temp folder).
     */
    public record Settings(int orders, int connections, int accounts, String nodeUrl, int market, int blockMs, int blockTxs,
                           boolean fsync, long seed, Path dir, int batch, ApiLoad.Transport transport, double rate) {
        public Settings {
            if (batch < 1 || batch > 50) {
                throw new IllegalArgumentException("a transaction carries 1 to 50 orders, not " + batch);
            }
        }

        /** One order per transaction over HTTP, closed loop. */
        public Settings(int orders, int connections, int accounts, String nodeUrl, int market, int blockMs, int blockTxs,
                        boolean fsync, long seed, Path dir) {
            this(orders, connections, accounts, nodeUrl, market, blockMs, blockTxs, fsync, seed, dir, 1, ApiLoad.Transport.HTTP, 0);
        }
    }

    /** The node refused the deposits that fund the accounts: it does not run with {@code --dev}. */
    public static final class DepositsRefusedException extends RuntimeException {
        public DepositsRefusedException(String message) {
            super(message);
        }
    }

    private ApiBench() {
    }

    /**
     * Runs the benchmark, narrating to {@code out}; the report is of the orders only.
     *
     * @throws DepositsRefusedException when the node refused the deposits (a node without {@code --dev})
     */
    public static ApiLoad.Report run(Settings s, PrintStream out) throws Exception {
        if (s.nodeUrl() != null) {
            return load(s, s.nodeUrl(), false, out);
        }
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-api")) {
            NodeConfig cfg = NodeConfig.defaults(dir.path().resolve("data")).withPort(0).withGenesis(dir.path().resolve("genesis.json"))
                    .withDev(true).withBlocks(s.blockMs(), s.blockTxs()).withQueue(Math.max(10_000, 2 * s.connections()))
                    .withFsync(s.fsync());
            try (Node node = Node.start(cfg)) {
                out.printf("started an in-process node at %s (--dev, block-ms %d, block-txs %d, fsync %s) in %s%n", node.url(),
                        s.blockMs(), s.blockTxs(), s.fsync(), dir.path());
                return load(s, node.url(), true, out);
            }
        }
    }

    private static ApiLoad.Report load(Settings s, String url, boolean inProcess, PrintStream out) throws Exception {
        URI txUrl = URI.create(url + "/v1/tx");
        int accountCount = s.accounts();
        int connections = s.connections();
        out.printf("signing %d accounts' deposits and %d orders (%d per transaction)...%n", accountCount, s.orders(), s.batch());
        List<Signer> signers = new ArrayList<>(accountCount);
        List<String> names = new ArrayList<>(accountCount);
        for (int i = 0; i < accountCount; i++) {
            Signer signer = Signer.generate();
            signers.add(signer);
            names.add(signer.account());
        }
        List<List<String>> payloads = ApiWorkload.transactions(names, s.market(), s.orders(), s.batch(), s.seed());
        List<List<String>> deposits = new ArrayList<>();
        List<List<String>> bodies = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            deposits.add(new ArrayList<>());
            bodies.add(new ArrayList<>());
        }
        // Account a belongs to client a % C, which sends its transactions in nonce order.
        for (int a = 0; a < accountCount; a++) {
            Signer signer = signers.get(a);
            deposits.get(a % connections).add(signer.envelope(ApiWorkload.deposit(signer.account())));
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
            throw new DepositsRefusedException("deposits were refused " + funded.statuses() + " (a --node must run with --dev)");
        }
        out.printf("sending orders (%s loop%s, over %s)...%n", s.rate() > 0 ? "open" : "closed",
                s.rate() > 0 ? " at " + (long) s.rate() + " orders/s" : "", s.transport().name());
        return ApiLoad.run(new ApiLoad.Load(URI.create(url), bodies, s.orders(), s.batch(), s.transport(), s.rate(), inProcess), out);
    }
}
