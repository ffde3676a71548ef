package io.dexnode.bench.api;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Signer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
                           boolean fsync, long seed, Path dir, int batch, ApiLoad.Transport transport, double rate, int warmup) {
        public Settings {
            if (batch < 1 || batch > 50) {
                throw new IllegalArgumentException("a transaction carries 1 to 50 orders, not " + batch);
            }
        }

        /** One order per transaction over HTTP, closed loop, no warm-up. */
        public Settings(int orders, int connections, int accounts, String nodeUrl, int market, int blockMs, int blockTxs,
                        boolean fsync, long seed, Path dir) {
            this(orders, connections, accounts, nodeUrl, market, blockMs, blockTxs, fsync, seed, dir, 1, ApiLoad.Transport.HTTP, 0, 0);
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
        out.printf("signing %d accounts' deposits and %d orders (%d per transaction)%s...%n", accountCount, s.orders(), s.batch(),
                s.warmup() > 0 ? ", after " + s.warmup() + " to warm up" : "");
        List<Signer> signers = new ArrayList<>(accountCount);
        List<String> names = new ArrayList<>(accountCount);
        for (int i = 0; i < accountCount; i++) {
            Signer signer = Signer.generate();
            signers.add(signer);
            names.add(signer.account());
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        List<List<String>> payloads = ApiWorkload.transactions(names, s.market(), s.warmup() + s.orders(), s.batch(), s.seed());
        List<List<String>> deposits = new ArrayList<>();
        List<List<String>> bodies = new ArrayList<>();
        List<List<String>> warmup = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            deposits.add(new ArrayList<>());
            bodies.add(new ArrayList<>());
            warmup.add(new ArrayList<>());
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
                mine.add(payloads.get(a));
            }
            List<String> interleaved = new ArrayList<>();
            for (int k = 0; ; k++) {
                boolean any = false;
                for (List<String> m : mine) {
                    if (k < m.size()) {
                        interleaved.add(m.get(k));
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
            }
            // The warm-up is a prefix of each client's transactions: every account's nonces stay in order.
            int warm = (int) Math.round(interleaved.size() * (double) s.warmup() / (s.warmup() + s.orders()));
            for (int i = 0; i < interleaved.size(); i++) {
                String p = interleaved.get(i);
                Signer signer = signers.get(accountIndex(p, index));
                (i < warm ? warmup : bodies).get(c).add(signer.envelope(p));
            }
        }
        long measuredOrders = 0;
        for (List<String> client : bodies) {
            measuredOrders += client.size();
        }
        measuredOrders = s.batch() == 1 ? measuredOrders : ordersIn(bodies);
        out.println("funding accounts...");
        ApiLoad.Report funded = ApiLoad.run(txUrl, deposits, out);
        if (funded.statuses().getOrDefault(200, 0L) != accountCount) {
            throw new DepositsRefusedException("deposits were refused " + funded.statuses() + " (a --node must run with --dev)");
        }
        if (s.warmup() > 0) {
            out.println("warming up (closed loop, not reported in the results)...");
            ApiLoad.run(new ApiLoad.Load(URI.create(url), warmup, s.warmup(), s.batch(), s.transport(), 0, inProcess), out);
        }
        out.printf("sending orders (%s loop%s, over %s)...%n", s.rate() > 0 ? "open" : "closed",
                s.rate() > 0 ? " at " + (long) s.rate() + " orders/s" : "", s.transport().name());
        return ApiLoad.run(new ApiLoad.Load(URI.create(url), bodies, measuredOrders, s.batch(), s.transport(), s.rate(), inProcess),
                out);
    }

    /** Which account a payload is of: its {@code "account"}, by index. */
    private static int accountIndex(String payload, Map<String, Integer> index) {
        int at = payload.indexOf("\"account\":\"") + 11;
        return index.get(payload.substring(at, payload.indexOf('"', at)));
    }

    /** The orders in signed batch envelopes: one per action. */
    private static long ordersIn(List<List<String>> bodies) {
        long n = 0;
        for (List<String> client : bodies) {
            for (String body : client) {
                // each action is an object with a "type" inside the batch's (escaped in the envelope's payload string)
                n += count(body, "{\\\"type\\\":") - 1;
            }
        }
        return n;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
