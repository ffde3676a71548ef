package io.dexnode.bench.recovery;

import io.dexnode.bench.ChildJava;
import io.dexnode.bench.ScratchDirectory;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How fast a node gets its books back: builds a state with N active orders, {@code historyRatio}
 * archived finished orders per active one (moved out of the tree, as blocks archive them) and
 * {@code history} finished orders per active one still in the tree, then measures the rebuild
 * alone in this JVM (warm, median of several) from state, from a snapshot at the latest height,
 * and from a snapshot plus incremental catch-up over 1 % of the orders changed; and, in fresh
 * JVMs, the time from process start to the first query answered. When there is archived history,
 * the same run also builds as many active orders without it and rebuilds that from state, so the
 * two figures say what the history costs recovery (nothing, if it is archived).
 */
public final class RecoveryBench {

    /** What to run. */
    public record Settings(int active, int markets, int historyFactor, int historyRatio, int repetitions, Path dir, long seed) {
    }

    /** What was measured (milliseconds). */
    public record Report(Settings settings, double rebuildFromStateMs, double rebuildFromStateMsNoHistory,
                         double rebuildWithOrphanScanMs, double snapshotMs, double snapshotIncrementalMs,
                         double startToFirstQueryMs, double startToFirstQueryFromStateMs, long changedOrders) {
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"active\":%d,\"markets\":%d,\"history\":%d,\"historyRatio\":%d,\"archived\":%d,\"rebuildFromStateMs\":%.1f,"
                            + "\"rebuildFromStateMsNoHistory\":%.1f,\"rebuildWithOrphanScanMs\":%.1f,\"snapshotMs\":%.1f,"
                            + "\"snapshotIncrementalMs\":%.1f,\"changedOrders\":%d,\"startToFirstQueryMs\":%.1f,"
                            + "\"startToFirstQueryFromStateMs\":%.1f}",
                    settings.active(), settings.markets(), (long) settings.active() * settings.historyFactor(),
                    settings.historyRatio(), (long) settings.active() * settings.historyRatio(),
                    rebuildFromStateMs, rebuildFromStateMsNoHistory, rebuildWithOrphanScanMs, snapshotMs, snapshotIncrementalMs,
                    changedOrders, startToFirstQueryMs, startToFirstQueryFromStateMs);
        }
    }

    private RecoveryBench() {
    }

    public static Report run(Settings s, PrintStream out) {
        int accounts = Math.max(10, Math.min(10_000, s.active() / 100));
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-recovery")) {
            Path data = dir.path().resolve("data");
            Path snapshots = data.resolve(BookSnapshotWriter.DIRECTORY);
            long[][] owned;
            long t0 = System.nanoTime();
            long history = (long) s.active() * s.historyFactor();
            long archived = (long) s.active() * s.historyRatio();
            try (StateManager store = StateManager.open(data, StateConfig.defaults().withFsync(false))) {
                owned = RecoveryStateBuilder.build(store, s.active(), history, archived, s.markets(), accounts, s.seed());
            }
            out.printf(Locale.ROOT, "recovery: state with %,d active, %,d finished orders in the tree and %,d archived, in %d markets,"
                    + " built in %.1f s%n", s.active(), history, archived, s.markets(), (System.nanoTime() - t0) / 1e9);
            Path bare = dir.path().resolve("no-history");
            if (archived > 0) {
                try (StateManager store = StateManager.open(bare, StateConfig.defaults().withFsync(false))) {
                    RecoveryStateBuilder.build(store, s.active(), history, 0, s.markets(), accounts, s.seed());
                }
                StateManager.open(bare, StateConfig.defaults()).close();
            }
            // Reopen once, untimed, so that replaying the build's write-ahead log is not counted as recovery.
            StateManager.open(data, StateConfig.defaults()).close();
            double fromState;
            double noHistory;
            double fullScan;
            double snapshot;
            double incremental;
            double firstQueryFromState = probe(data, "state", out);
            long changed;
            try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
                // The build just wrote the whole state: its compactions would otherwise run during
                // the timed rebuilds, on the same two cores, a different share in every run.
                settleBackground(store, out);
                Engine engine = new Engine(store);
                if (archived > 0) {
                    try (StateManager bareStore = StateManager.open(bare, StateConfig.defaults())) {
                        settleBackground(bareStore, out);
                        Engine bareEngine = new Engine(bareStore);
                        double[] both = alternating(s.repetitions(), () -> engine.recover(RecoveryOptions.fromState()),
                                () -> bareEngine.recover(RecoveryOptions.fromState()), out,
                                "from state (as a node starts), with the archived history", "the same without it");
                        fromState = both[0];
                        noHistory = both[1];
                    }
                } else {
                    fromState = median(s.repetitions(), () -> engine.recover(RecoveryOptions.fromState()), out,
                            "from state (as a node starts)");
                    noHistory = fromState;
                }
                fullScan = median(s.repetitions(), () -> engine.recover(RecoveryOptions.fromState().withScanOrphans(true)), out,
                        "from state with the orphan scan over the order records in the tree");
                BookSnapshotWriter.write(engine, snapshots);
                snapshot = median(s.repetitions(), () -> engine.recover(RecoveryOptions.fromState().withSnapshots(snapshots)), out, "snapshot");
                changed = churn(engine, owned, Math.max(100, s.active() / 100), s.seed(), accounts);
                incremental = median(s.repetitions(), () -> engine.recover(RecoveryOptions.fromState().withSnapshots(snapshots)), out,
                        "snapshot + incremental");
            }
            double firstQuery = probe(data, "snapshot", out);
            Report r = new Report(s, fromState, noHistory, fullScan, snapshot, incremental, firstQuery, firstQueryFromState, changed);
            out.printf(Locale.ROOT, "recovery: rebuild from state %.1f ms (%.1f ms with the orphan scan), snapshot %.1f ms, snapshot + incremental (%d orders changed) %.1f ms;"
                    + " process start to first query %.0f ms (snapshot), %.0f ms (from state)%n",
                    fromState, fullScan, snapshot, changed, incremental, firstQuery, firstQueryFromState);
            if (archived > 0) {
                out.printf(Locale.ROOT, "recovery: rebuild from state with %,d archived orders %.1f ms, without them %.1f ms (ratio %.3f)%n",
                        archived, fromState, noHistory, fromState / noHistory);
            }
            return r;
        }
    }

    /** Cancels some active orders and places as many new ones, in blocks of 1,000 through the engine. */
    private static long churn(Engine engine, long[][] owned, int changes, long seed, int accounts) {
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        List<Tx> txs = new ArrayList<>();
        long height = engine.height();
        for (int i = 0; i < changes; i++) {
            int at = rnd.nextInt(owned[0].length);
            if (i % 2 == 0) {
                txs.add(new Tx.Cancel("trader" + owned[1][at], 0, owned[0][at], null));
            } else {
                Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                long price = side == Side.BUY ? RecoveryStateBuilder.MID - 1 - rnd.nextInt(2_000)
                        : RecoveryStateBuilder.MID + 1 + rnd.nextInt(2_000);
                txs.add(new Tx.Place("trader" + rnd.nextInt(accounts), 0, 1 + rnd.nextInt(engine.marketIds().size()), side,
                        price, 1 + rnd.nextInt(20), TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING));
            }
            if (txs.size() == 1_000 || i == changes - 1) {
                engine.executeBlock(++height, height, txs);
                txs = new ArrayList<>();
            }
        }
        return changes;
    }

    /**
     * Medians of two rebuilds timed in turns (a, b, a, b, …, after {@link #WARM_UP_RUNS} untimed
     * runs of each), so that a change in the machine's load during the run weighs on both alike.
     */
    private static double[] alternating(int repetitions, java.util.function.Supplier<RecoveryReport> a,
                                        java.util.function.Supplier<RecoveryReport> b, PrintStream out, String whatA, String whatB) {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            a.get();
            b.get();
        }
        double[] msA = new double[repetitions];
        double[] msB = new double[repetitions];
        RecoveryReport lastA = null;
        RecoveryReport lastB = null;
        for (int i = 0; i < repetitions; i++) {
            settle();
            lastA = a.get();
            msA[i] = lastA.nanos() / 1e6;
            settle();
            lastB = b.get();
            msB[i] = lastB.nanos() / 1e6;
        }
        Arrays.sort(msA);
        Arrays.sort(msB);
        out.printf(Locale.ROOT, "recovery: %s (%s, %,d orders): min %.1f / median %.1f / max %.1f ms%n", whatA,
                lastA.method().metricName(), lastA.totalOrders(), msA[0], msA[repetitions / 2], msA[repetitions - 1]);
        out.printf(Locale.ROOT, "recovery: %s (%s, %,d orders): min %.1f / median %.1f / max %.1f ms%n", whatB,
                lastB.method().metricName(), lastB.totalOrders(), msB[0], msB[repetitions / 2], msB[repetitions - 1]);
        return new double[] {msA[repetitions / 2], msB[repetitions / 2]};
    }

    /**
     * Untimed rebuilds before each timed series. With one, the JIT was still compiling the
     * rebuild's loops through the first half of the series (on two cores its compiler threads
     * compete with the rebuild's): at a million orders the nine timed runs fell from 1.5 s to
     * 0.93 s one after the other, and the median measured the compiler. A starting node's single
     * cold rebuild is what the fresh-process probe times.
     */
    private static final int WARM_UP_RUNS = 5;

    private static double median(int repetitions, java.util.function.Supplier<RecoveryReport> run, PrintStream out, String what) {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            run.get();
        }
        double[] ms = new double[repetitions];
        RecoveryReport last = null;
        for (int i = 0; i < repetitions; i++) {
            settle();
            last = run.get();
            ms[i] = last.nanos() / 1e6;
        }
        Arrays.sort(ms);
        out.printf(Locale.ROOT, "recovery: %s (%s, %,d orders): min %.1f / median %.1f / max %.1f ms%n", what,
                last.method().metricName(), last.totalOrders(), ms[0], ms[repetitions / 2], ms[repetitions - 1]);
        return ms[repetitions / 2];
    }

    /**
     * Collects the garbage of the run before (the books a rebuild replaces: a million orders)
     * before the next is timed, as a starting node has none: without it, when a collection of
     * that garbage fell inside a timed rebuild decided much of its time (medians of 9 moved by
     * 25 % between identical runs).
     */
    private static void settle() {
        System.gc();
    }

    private static void settleBackground(StateManager store, PrintStream out) {
        long t0 = System.nanoTime();
        boolean settled = store.awaitBackgroundWork(300_000);
        out.printf(Locale.ROOT, "recovery: the store's background work (compactions of the build) %s after %.1f s%n",
                settled ? "settled" : "still running", (System.nanoTime() - t0) / 1e9);
    }

    /** Starts a fresh JVM that recovers and answers one query; returns ms from process start to its answer. */
    private static double probe(Path data, String method, PrintStream out) {
        List<String> cmd = ChildJava.command();
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RecoveryProbe.class.getName(), data.toString(), method));
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                line = in.readLine();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null || !line.startsWith("ready ")) {
                throw new IllegalStateException("recovery probe (" + method + ") failed: " + line);
            }
            out.printf(Locale.ROOT, "recovery: fresh process (%s) answered its first query %.0f ms after start: %s%n", method, ms, line);
            return ms;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


}
