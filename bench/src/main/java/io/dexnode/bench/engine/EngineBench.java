package io.dexnode.bench.engine;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.RiskPassStats;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.CommitStats;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Orders per second through the whole engine — matching, state bookkeeping, the end-of-block risk
 * pass, a JMT root and one fsynced RocksDB write per block — on a fresh store in a temporary
 * directory. The workload is generated before timing starts (after the holders' setup, whose
 * orders take ids the flow's cancels must skip), and its first {@code warmupOrders}
 * run and commit untimed (the JIT compiles the hot paths, the store fills); the split says where
 * the time went. With {@code holders}, that many accounts first take positions ({@link
 * RiskWorkload}, untimed); with {@code indexMoves}, every block starts with the oracle moving each
 * market's index by a tick. The risk pass's time per block is reported on its own.
 */
public final class EngineBench {

    /** What to run. */
    public record Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                           boolean fsync, boolean pipelined, int holders, boolean indexMoves) {
        public Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                        boolean fsync, boolean pipelined) {
            this(orders, warmupOrders, markets, accounts, blockTxs, dir, seed, fsync, pipelined, 0, false);
        }
    }

    /**
     * The end-of-block risk pass over a run of blocks: its wall time per block, the CPU time its
     * thread spent (on a shared machine the wall time also counts waiting for a core), and what it
     * examined and liquidated.
     */
    public record RiskPassFigures(double meanMicros, double p50Micros, double p99Micros, double maxMicros,
                                  double cpuMeanMicros, double cpuP50Micros, double cpuP99Micros,
                                  double examinedPerBlock, long maxExamined, long liquidated) {
        /** The figures as the fields of a JSON object. */
        String jsonFields() {
            return String.format(Locale.ROOT, "\"meanMicros\":%.1f,\"p50Micros\":%.1f,\"p99Micros\":%.1f,\"maxMicros\":%.1f,"
                            + "\"cpuMeanMicros\":%.1f,\"cpuP50Micros\":%.1f,\"cpuP99Micros\":%.1f,"
                            + "\"examinedPerBlock\":%.1f,\"maxExamined\":%d,\"liquidated\":%d",
                    meanMicros, p50Micros, p99Micros, maxMicros, cpuMeanMicros, cpuP50Micros, cpuP99Micros,
                    examinedPerBlock, maxExamined, liquidated);
        }

        String describe() {
            return String.format(Locale.ROOT, "mean %.1f µs, p50 %.1f µs, p99 %.1f µs, max %.1f µs; CPU mean %.1f µs,"
                            + " p50 %.1f µs, p99 %.1f µs; examined %.1f accounts a block (at most %d), liquidated %d",
                    meanMicros, p50Micros, p99Micros, maxMicros, cpuMeanMicros, cpuP50Micros, cpuP99Micros,
                    examinedPerBlock, maxExamined, liquidated);
        }
    }

    /** Each block's {@link RiskPassStats}, gathered into {@link RiskPassFigures}. */
    private static final class RiskPassSamples {
        private final long[] nanos;
        private final long[] cpu;
        private int n;
        private long examined;
        private long maxExamined;
        private long liquidated;

        RiskPassSamples(int blocks) {
            nanos = new long[blocks];
            cpu = new long[blocks];
        }

        void add(RiskPassStats r) {
            nanos[n] = r.nanos();
            cpu[n++] = r.cpuNanos();
            examined += r.examined();
            maxExamined = Math.max(maxExamined, r.examined());
            liquidated += r.liquidated();
        }

        RiskPassFigures figures() {
            long[] wall = sorted(nanos);
            long[] onCpu = sorted(cpu);
            return new RiskPassFigures(mean(wall), at(wall, 0.50), at(wall, 0.99), n == 0 ? 0 : wall[n - 1] / 1e3,
                    mean(onCpu), at(onCpu, 0.50), at(onCpu, 0.99), n == 0 ? 0 : (double) examined / n, maxExamined, liquidated);
        }

        private long[] sorted(long[] values) {
            long[] out = Arrays.copyOf(values, n);
            Arrays.sort(out);
            return out;
        }

        private static double mean(long[] sorted) {
            return Arrays.stream(sorted).average().orElse(0) / 1e3;
        }

        private static double at(long[] sorted, double q) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e3;
        }
    }

    /**
     * Blocks of nothing but the index moves, run after the timed flow with {@code indexMoves}: the
     * pass when only the marks move, the holders' a tick lower each block (the adverse case: each
     * block reaches holders the one before did not).
     */
    public static final int QUIET_BLOCKS = 300;

    /** What was measured. */
    public record Report(Settings settings, long txs, long fills, long blocks, double seconds, double matchingSeconds,
                         double treeSeconds, double rocksdbSeconds, RiskPassFigures risk, RiskPassFigures quiet) {
        public double ordersPerSec() {
            return txs / seconds;
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"orders\":%d,\"warmupOrders\":%d,\"ordersPerSec\":%.0f,\"blockTxs\":%d,\"markets\":%d,\"accounts\":%d,\"blocks\":%d,"
                            + "\"fills\":%d,\"fsync\":%b,\"pipelined\":%b,\"seconds\":%.3f,\"secondsIn\":{\"matching\":%.3f,\"tree\":%.3f,\"rocksdb\":%.3f},"
                            + "\"holders\":%d,\"indexMoves\":%b,\"riskPass\":{%s}%s}",
                    txs, settings.warmupOrders(), ordersPerSec(), settings.blockTxs(), settings.markets(), settings.accounts(), blocks, fills,
                    settings.fsync(), settings.pipelined(), seconds, matchingSeconds, treeSeconds, rocksdbSeconds,
                    settings.holders(), settings.indexMoves(), risk.jsonFields(),
                    quiet == null ? "" : ",\"riskPassIndexMovesOnly\":{\"blocks\":" + QUIET_BLOCKS + "," + quiet.jsonFields() + "}");
        }
    }

    private EngineBench() {
    }

    public static Report run(Settings s, PrintStream out) {
        OrderFlow flow = new OrderFlow(s.seed(), s.markets(), s.accounts());
        RiskWorkload risk = s.holders() > 0 || s.indexMoves() ? new RiskWorkload(s.seed(), s.markets(), s.holders()) : null;
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-engine");
             StateManager store = StateManager.open(dir.path(), StateConfig.defaults().withFsync(s.fsync()))) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            List<Tx> genesis = new ArrayList<>(flow.genesis());
            if (risk != null) {
                genesis.addAll(risk.genesis());
            }
            engine.executeBlock(1, 0, genesis);
            long height = 1;
            if (risk != null) {
                long opened = System.nanoTime();
                long liquidated = 0;
                for (List<Tx> txs : risk.setup(s.blockTxs())) {
                    height++;
                    liquidated += engine.executeBlock(height, height, txs).risk().liquidated();
                }
                out.printf(Locale.ROOT, "engine: %,d accounts hold positions in market %d (%,d more liquidated as the index moved into"
                                + " their band), set up untimed in %.1f s; index moves each block: %b%n", s.holders() - liquidated,
                        s.markets() + 1, liquidated, (System.nanoTime() - opened) / 1e9, s.indexMoves());
                // the flow names its own orders by the ids the engine will give them: after the setup's
                byte[] counters = store.get(new StateKey.Counters().encode());
                flow.startOrderIdsAt(CountersRecord.decode(counters).nextOrderId());
            }
            List<List<Tx>> warmupBlocks = blocksOf(flow, s.warmupOrders(), s.blockTxs(), s.indexMoves() ? risk : null);
            List<List<Tx>> blocks = blocksOf(flow, s.orders(), s.blockTxs(), s.indexMoves() ? risk : null);
            out.printf(Locale.ROOT, "engine: %,d order txs in %,d blocks of %,d (after %,d untimed), %d markets, %d accounts, fsync %b, pipelined %b%n",
                    s.orders(), blocks.size(), s.blockTxs(), s.warmupOrders(), s.markets(), s.accounts(), s.fsync(), s.pipelined());
            for (List<Tx> txs : warmupBlocks) {
                height++;
                engine.executeBlock(height, height, txs);
            }
            CommitStats before = store.commitStats();
            long matching = 0;
            long fills = 0;
            RiskPassSamples riskPass = new RiskPassSamples(blocks.size());
            long start = System.nanoTime();
            Engine.PendingBlock previous = null;
            for (List<Tx> txs : blocks) {
                height++;
                BlockResult r;
                if (s.pipelined()) {
                    // as the node runs: block N's write overlaps block N+1's execution and tree, and
                    // N is durable (answerable) before N+2 starts
                    Engine.PendingBlock pending = engine.executeBlockPipelined(height, height, txs);
                    if (previous != null) {
                        previous.awaitDurable();
                    }
                    previous = pending;
                    r = pending.result();
                } else {
                    r = engine.executeBlock(height, height, txs);
                }
                matching += r.executeNanos();
                fills += r.fills().size();
                riskPass.add(r.risk());
            }
            if (previous != null) {
                previous.awaitDurable();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            CommitStats c = store.commitStats().minus(before);
            RiskPassFigures quiet = null;
            if (s.indexMoves()) {
                RiskPassSamples quietPass = new RiskPassSamples(QUIET_BLOCKS);
                for (int q = 0; q < QUIET_BLOCKS; q++) {
                    height++;
                    quietPass.add(engine.executeBlock(height, height, risk.fallingIndexMoves()).risk());
                }
                quiet = quietPass.figures();
            }
            Report report = new Report(s, s.orders(), fills, blocks.size(), seconds, matching / 1e9, c.treeNanos() / 1e9,
                    (c.encodeNanos() + c.writeNanos()) / 1e9, riskPass.figures(), quiet);
            out.printf(Locale.ROOT, "engine: per block %,d state keys written, %,d RocksDB records, %,d KiB%n",
                    c.keyWrites() / Math.max(1, c.commits()), c.batchEntries() / Math.max(1, c.commits()),
                    c.batchBytes() / Math.max(1, c.commits()) / 1024);
            out.printf(Locale.ROOT, "engine: %,.0f orders/s (%,d fills) — %.2f s: matching+bookkeeping %.2f s, tree %.2f s, rocksdb %.2f s%n",
                    report.ordersPerSec(), fills, seconds, report.matchingSeconds(), report.treeSeconds(), report.rocksdbSeconds());
            out.printf(Locale.ROOT, "engine: rocksdb = encoding the batch %.2f s (caller and helper) + writing it %.2f s (%s); reading nodes %.2f s%n",
                    c.encodeNanos() / 1e9, c.writeNanos() / 1e9, s.pipelined() ? "writer thread" : "caller waits",
                    c.readNanos() / 1e9);
            out.printf(Locale.ROOT, "engine: risk pass per block: %s (part of matching+bookkeeping)%n", report.risk().describe());
            if (quiet != null) {
                out.printf(Locale.ROOT, "engine: risk pass in %d blocks of only the index moves (each mark a tick, the holders' down): %s%n",
                        QUIET_BLOCKS, quiet.describe());
            }
            return report;
        }
    }

    /**
     * The next {@code orders} transactions of the flow, in blocks of {@code blockTxs} (the last may
     * be short), each block led by the index moves of {@code risk} when given (not counted as orders).
     */
    private static List<List<Tx>> blocksOf(OrderFlow flow, int orders, int blockTxs, RiskWorkload risk) {
        List<List<Tx>> blocks = new ArrayList<>();
        List<Tx> current = startBlock(blockTxs, risk);
        int inBlock = 0;
        for (int i = 0; i < orders; i++) {
            current.add(flow.next());
            if (++inBlock == blockTxs) {
                blocks.add(current);
                current = startBlock(blockTxs, risk);
                inBlock = 0;
            }
        }
        if (inBlock == 0) {
            current = new ArrayList<>();
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    private static List<Tx> startBlock(int blockTxs, RiskWorkload risk) {
        List<Tx> block = new ArrayList<>(blockTxs + 16);
        if (risk != null) {
            block.addAll(risk.indexMoves());
        }
        return block;
    }

}
