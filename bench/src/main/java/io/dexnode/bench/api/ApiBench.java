package io.dexnode.bench.api;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Signer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The API benchmark end to end: against an in-process {@code --dev} node on a scratch directory
 * (or a running one), funds the accounts, warms the node up, then sends the signed order flow of
 * {@link ApiWorkload} with {@link ApiLoad}. Every account belongs to one client, which sends its
 * transactions in nonce order; consecutive requests of a client come from different accounts.
 * Each run's transactions are signed before its clock starts.
 *
 * <p>The warm-up is not reported: a fixed number of orders (closed loop), or by default rounds of
 * orders until the node's JIT compiler has settled — a round in which it compiled under
 * {@value #SETTLED_PERCENT} % of the time: closed loop, then for an open loop at its rate too — or
 * a time limit has passed. On two cores the compiler
 * takes tens of seconds of full load to catch up with a fresh node (it compiled for a third of a
 * 10-second run after 4,000 transactions), and a run measured while it compiles measures the
 * compiler as much as the node.
 */
public final class ApiBench {
    /** {@link Settings#warmup()} value: warm up until the JIT compiler has settled. */
    public static final int WARMUP_UNTIL_SETTLED = -1;
    /** The default limit of a warm-up until settled, in seconds. */
    public static final int DEFAULT_WARMUP_LIMIT_SECONDS = 90;
    static final int SETTLED_PERCENT = 5;

    /**
     * What to run. {@code nodeUrl} null starts an in-process node with {@code blockMs},
     * {@code blockTxs} and {@code fsync}; otherwise that node is used and must run with {@code --dev}.
     * {@code dir} is where the in-process node's scratch directory goes (null: the system's temp folder).
     * {@code warmup}: orders sent first, not reported, or {@link #WARMUP_UNTIL_SETTLED} (for at most
     * {@code warmupLimitSeconds}). {@code trace}: where the measured run's transactions' times go
     * ({@link TxTimeline}), or null.
     */
    public record Settings(int orders, int connections, int accounts, String nodeUrl, int market, int blockMs, int blockTxs,
                           boolean fsync, long seed, Path dir, int batch, ApiLoad.Transport transport, double rate, int warmup,
                           int warmupLimitSeconds, Path trace) {
        public Settings {
            if (batch < 1 || batch > 50) {
                throw new IllegalArgumentException("a transaction carries 1 to 50 orders, not " + batch);
            }
            if (warmup < WARMUP_UNTIL_SETTLED || warmupLimitSeconds < 1) {
                throw new IllegalArgumentException("a warm-up is a number of orders or until settled, for at least a second");
            }
        }

        /** One order per transaction over HTTP, closed loop, no warm-up. */
        public Settings(int orders, int connections, int accounts, String nodeUrl, int market, int blockMs, int blockTxs,
                        boolean fsync, long seed, Path dir) {
            this(orders, connections, accounts, nodeUrl, market, blockMs, blockTxs, fsync, seed, dir, 1, ApiLoad.Transport.HTTP, 0, 0,
                    DEFAULT_WARMUP_LIMIT_SECONDS, null);
        }
    }

    /** The node refused the deposits that fund the accounts: it does not run with {@code --dev}. */
    public static final class DepositsRefusedException extends RuntimeException {
        public DepositsRefusedException(String message) {
            super(message);
        }
    }

    /** The node did not answer transactions of the funding or of the warm-up: it is down, or stopped on the way. */
    public static final class NoAnswerException extends RuntimeException {
        public NoAnswerException(String message) {
            super(message);
        }
    }

    /** Refuses to go on past a round some of whose transactions got no answer. */
    private static void requireAnswers(ApiLoad.Report r, String what, URI base) {
        if (r.unanswered() > 0) {
            throw new NoAnswerException("the node at " + base + " did not answer " + r.unanswered() + " of "
                    + (r.requests() + r.unanswered()) + " transactions of the " + what + " (it is down, or stopped on the way)");
        }
    }

    /** The accounts of a run: their signers and names (account a's at index a). */
    private record Accounts(List<Signer> signers, List<String> names) {
        static Accounts generate(int n) {
            List<Signer> signers = new ArrayList<>(n);
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Signer signer = Signer.generate();
                signers.add(signer);
                names.add(signer.account());
            }
            return new Accounts(signers, names);
        }
    }

    private ApiBench() {
    }

    /**
     * Runs the benchmark, narrating to {@code out}; the report is of the measured orders only.
     *
     * @throws DepositsRefusedException when the node refused the deposits (a node without {@code --dev})
     * @throws NoAnswerException when the node did not answer transactions of the funding or the warm-up
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
        URI base = URI.create(url);
        out.printf("signing %d accounts' deposits...%n", s.accounts());
        Accounts accounts = Accounts.generate(s.accounts());
        List<List<String>> deposits = signed(s, accounts, accounts.names().stream().map(name -> List.of(ApiWorkload.deposit(name))).toList());
        out.println("funding accounts...");
        ApiLoad.Report funded = ApiLoad.run(URI.create(url + "/v1/tx"), deposits, out);
        requireAnswers(funded, "funding", base);
        if (funded.statuses().getOrDefault(200, 0L) != s.accounts()) {
            throw new DepositsRefusedException("deposits were refused " + funded.statuses() + " (a --node must run with --dev)");
        }
        // The warm-up and the measured run are one flow: nonces, client order ids and cancel_alls continue.
        ApiWorkload.Flow flow = new ApiWorkload.Flow(accounts.names(), s.market(), s.batch(), s.seed());
        if (s.warmup() == WARMUP_UNTIL_SETTLED) {
            warmUntilSettled(s, base, inProcess, accounts, flow, out);
        } else if (s.warmup() > 0) {
            out.printf("warming up with %d orders (closed loop, not reported in the results)...%n", s.warmup());
            requireAnswers(ApiLoad.run(new ApiLoad.Load(base, signed(s, accounts, flow.next(s.warmup())), s.warmup(), s.batch(),
                    s.transport(), 0, inProcess), out), "warm-up", base);
        }
        out.printf("signing %d orders (%d per transaction)...%n", s.orders(), s.batch());
        List<List<String>> bodies = signed(s, accounts, flow.next(s.orders()));
        out.printf("sending orders (%s loop%s, over %s)...%n", s.rate() > 0 ? "open" : "closed",
                s.rate() > 0 ? " at " + (long) s.rate() + " orders/s" : "", s.transport().name());
        return ApiLoad.run(new ApiLoad.Load(base, bodies, s.orders(), s.batch(), s.transport(), s.rate(), inProcess), out, s.trace());
    }

    /**
     * Rounds of half the measured run's orders (at most 50,000; at least 1,000 and a full batch for
     * every account), closed loop, until one in which the JIT compiler (the node's, or this process's
     * when the node runs in it) was busy under {@value #SETTLED_PERCENT} % of the round's time; then,
     * for an open loop, rounds at its rate (of {@value #PACED_ROUND_SECONDS} s, or of the closed
     * rounds' orders when fewer) until one in which it was too, at least one: the code a node runs at
     * a steady 2,000 orders/s (blocks of a dozen transactions, idle waits) is not all the code it runs
     * flat out, and what the compiler does for it otherwise lands in the measured run's first second
     * (its p99 a median 70 ms against 29 ms, docs/BENCHMARKS.md). Rounds stop once the limit has
     * passed, the first open-loop one excepted.
     */
    private static void warmUntilSettled(Settings s, URI base, boolean inProcess, Accounts accounts, ApiWorkload.Flow flow,
                                         PrintStream out)
            throws Exception {
        // A round is also where the limit is looked at: not too long.
        int roundOrders = Math.max(Math.max(1_000, s.accounts() * s.batch()), Math.min(s.orders() / 2, 50_000));
        out.printf("warming up until the JIT compiler has settled (rounds of %d orders, closed loop%s, at most %d s;"
                        + " not reported in the results)...%n", roundOrders,
                s.rate() > 0 ? String.format(Locale.ROOT, ", then at %.0f orders/s", s.rate()) : "", s.warmupLimitSeconds());
        int pacedOrders = (int) Math.max(s.accounts() * s.batch(), Math.min(roundOrders, Math.round(s.rate() * PACED_ROUND_SECONDS)));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        long start = System.nanoTime();
        long limit = start + TimeUnit.SECONDS.toNanos(s.warmupLimitSeconds());
        long warmed = 0;
        int round = 0;
        // Phase 0 closed loop; phase 1, for an open loop, at its rate. Rounds are numbered across both.
        int phases = s.rate() > 0 ? 2 : 1;
        for (int phase = 0; phase < phases; phase++) {
            double rate = phase == 0 ? 0 : s.rate();
            int orders = phase == 0 ? roundOrders : pacedOrders;
            while (true) {
                round++;
                List<List<String>> bodies = signed(s, accounts, flow.next(orders));
                ApiLoad.Report r = ApiLoad.run(new ApiLoad.Load(base, bodies, orders, s.batch(), s.transport(), rate, inProcess), quiet);
                requireAnswers(r, "warm-up", base);
                warmed += orders;
                double percent = 100 * r.jitSeconds() / r.seconds();
                long elapsed = System.nanoTime() - start;
                out.printf(Locale.ROOT, "  warm-up round %d%s: %.0f orders/s; the JIT compiler busy %s of the round (its threads summed);"
                                + " statuses %s%s%n", round, rate > 0 ? String.format(Locale.ROOT, " (open loop, p99 %.1f ms)",
                                r.p99Micros() / 1e3) : "", r.ordersPerSecond(),
                        Double.isNaN(percent) ? "(unknown)" : String.format(Locale.ROOT, "%.0f %%", percent), r.statuses(),
                        r.refusals().isEmpty() ? "" : ", refused " + r.refusals());
                if (round == 1 && Double.isNaN(percent)) {
                    out.printf("  the JIT compiler's time is unknown here (no jvm_compilation_time_seconds_total from the node):"
                            + " warming up for the whole limit%n");
                }
                if (percent < SETTLED_PERCENT) {
                    out.printf(Locale.ROOT, "warmed up%s: %d orders in %.1f s%n", rate > 0 ? " at the measured rate" : "", warmed,
                            elapsed / 1e9);
                    break;
                }
                if (System.nanoTime() >= limit) {
                    if (phase == phases - 1) { // said once, when no rounds follow
                        out.printf(Locale.ROOT, "warm-up stopped at its limit of %d s (%d orders) with the JIT compiler %s: the"
                                        + " figures below include its work (--warmup-limit raises the limit)%n", s.warmupLimitSeconds(),
                                warmed, Double.isNaN(percent) ? "of unknown state" : "still busy");
                    }
                    break;
                }
            }
        }
    }

    /** Seconds of a warm-up round at the open loop's rate. */
    static final int PACED_ROUND_SECONDS = 5;

    /** A payload and the account whose signer signs it. */
    private record Unsigned(int account, String payload) {}

    /** The transactions of {@code payloads} (per account, in nonce order) signed, per client in the order it sends them. */
    private static List<List<String>> signed(Settings s, Accounts accounts, List<List<String>> payloads) {
        int connections = s.connections();
        List<List<Unsigned>> perClient = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            // Account a belongs to client a % C, which sends its transactions in nonce order, interleaving
            // its accounts so that consecutive requests come from different accounts.
            List<Unsigned> interleaved = new ArrayList<>();
            for (int k = 0; ; k++) {
                boolean any = false;
                for (int a = c; a < payloads.size(); a += connections) {
                    if (k < payloads.get(a).size()) {
                        interleaved.add(new Unsigned(a, payloads.get(a).get(k)));
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
            }
            perClient.add(interleaved);
        }
        // Signing is the slow part (an Ed25519 signature per transaction): the clients' lists in parallel.
        return perClient.parallelStream()
                .map(client -> client.stream().map(u -> accounts.signers().get(u.account()).envelope(u.payload())).toList())
                .toList();
    }
}
