package io.dexnode.bench.engine;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.CommitStats;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Orders per second through the whole engine — matching, state bookkeeping, the end-of-block risk
 * pass and archival, a JMT root and one fsynced RocksDB write per block — on fresh stores in a
 * temporary directory. The same workload runs on two chains in the same run: one that archives
 * finished orders {@code archiveAfterBlocks} blocks after they finish and one that never does (0),
 * in turns of one tenth of the blocks each, so that the machine's load weighs on both alike;
 * between turns, with the clock stopped, each chain's live state (the keys in its tree) is
 * counted. With {@code holders}, that many accounts first take positions on both chains
 * ({@link RiskWorkload}, untimed); with {@code indexMoves}, every block starts with the oracle
 * moving each market's index by a tick. The workload is generated before timing starts (after the
 * holders' setup, whose orders take ids the flow's cancels must skip), and its first
 * {@code warmupOrders} run and commit untimed (the JIT compiles the hot paths, the store fills);
 * the split says where the time went, and the risk pass's time per block is reported on its own.
 */
public final class EngineBench {
    private static final int TURNS = 10;

    /**
     * Blocks of nothing but the index moves, run on the archiving chain after the timed flow with
     * {@code indexMoves}: the pass when only the marks move, the holders' a tick lower each block
     * (the adverse case: each block reaches holders the one before did not).
     */
    public static final int QUIET_BLOCKS = 300;

    /** What to run; {@code archiveAfterBlocks} is the archiving chain's (the other's is 0). */
    public record Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                           boolean fsync, boolean pipelined, int archiveAfterBlocks, int holders, boolean indexMoves) {
        public Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                        boolean fsync, boolean pipelined, int archiveAfterBlocks) {
            this(orders, warmupOrders, markets, accounts, blockTxs, dir, seed, fsync, pipelined, archiveAfterBlocks, 0, false);
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

    /** What one chain measured. */
    public record Lane(int archiveAfterBlocks, long txs, long fills, long blocks, double seconds, double matchingSeconds,
                       double treeSeconds, double rocksdbSeconds, long[] liveKeys, long[] liveBytes, long[] finishedInTree,
                       RiskPassFigures risk, double[] turnSeconds) {
        public double ordersPerSec() {
            return txs / seconds;
        }

        String json() {
            StringBuilder keys = new StringBuilder();
            for (int i = 0; i < liveKeys.length; i++) {
                keys.append(i == 0 ? "" : ",").append("{\"keys\":").append(liveKeys[i]).append(",\"bytes\":").append(liveBytes[i])
                        .append(",\"finishedOrders\":").append(finishedInTree[i]).append('}');
            }
            return String.format(Locale.ROOT, "\"archiveAfterBlocks\":%d,\"ordersPerSec\":%.0f,\"blocks\":%d,\"fills\":%d,\"seconds\":%.3f,"
                            + "\"secondsIn\":{\"matching\":%.3f,\"tree\":%.3f,\"rocksdb\":%.3f},\"riskPass\":{%s},\"liveState\":[%s]",
                    archiveAfterBlocks, ordersPerSec(), blocks, fills, seconds, matchingSeconds, treeSeconds, rocksdbSeconds,
                    risk.jsonFields(), keys);
        }
    }

    /**
     * What was measured: the archiving chain (its figures lead) and the one that never archives.
     * {@code ordersAt[i]} is how many timed orders ran before the i-th live-state count;
     * {@code quiet} is the archiving chain's {@link #QUIET_BLOCKS} of only the index moves (null
     * without {@code indexMoves}).
     */
    public record Report(Settings settings, Lane archiving, Lane notArchiving, long[] ordersAt, RiskPassFigures quiet) {
        public double ordersPerSec() {
            return archiving.ordersPerSec();
        }

        /** The archiving chain's risk pass per block over the timed flow. */
        public RiskPassFigures risk() {
            return archiving.risk();
        }

        /** How much more time an order costs when the chain archives, in percent of the cost when it does not. */
        public double archivalCostPercent() {
            return (archiving.seconds() / notArchiving.seconds() - 1) * 100;
        }

        /**
         * The same, turn by turn (those that ran blocks): each turn runs the same blocks on both
         * chains, back to back. Shown for the noise it reveals (a turn is about a second, and a
         * flush, compaction or slow fsync landing in one chain's turn moves it by tens of percent);
         * the cost is the totals' ratio above, not a statistic of these.
         */
        public double[] archivalCostPercentByTurn() {
            double[] cost = new double[archiving.turnSeconds().length];
            for (int i = 0; i < cost.length; i++) {
                cost[i] = (archiving.turnSeconds()[i] / notArchiving.turnSeconds()[i] - 1) * 100;
            }
            return cost;
        }

        public String toJson() {
            StringBuilder at = new StringBuilder();
            for (int i = 0; i < ordersAt.length; i++) {
                at.append(i == 0 ? "" : ",").append(ordersAt[i]);
            }
            return String.format(Locale.ROOT,
                    "{\"orders\":%d,\"warmupOrders\":%d,\"blockTxs\":%d,\"markets\":%d,\"accounts\":%d,\"fsync\":%b,\"pipelined\":%b,"
                            + "\"holders\":%d,\"indexMoves\":%b,%s,\"archivalCostPercent\":%.1f,"
                            + "\"archivalCostPercentByTurn\":[%s],\"liveStateAtOrders\":[%s],"
                            + "\"noArchival\":{%s}%s}",
                    archiving.txs(), settings.warmupOrders(), settings.blockTxs(), settings.markets(), settings.accounts(),
                    settings.fsync(), settings.pipelined(), settings.holders(), settings.indexMoves(), archiving.json(),
                    archivalCostPercent(), percents(archivalCostPercentByTurn(), ","), at, notArchiving.json(),
                    quiet == null ? "" : ",\"riskPassIndexMovesOnly\":{\"blocks\":" + QUIET_BLOCKS + "," + quiet.jsonFields() + "}");
        }
    }

    private EngineBench() {
    }

    public static Report run(Settings s, PrintStream out) {
        OrderFlow flow = new OrderFlow(s.seed(), s.markets(), s.accounts());
        RiskWorkload risk = s.holders() > 0 || s.indexMoves() ? new RiskWorkload(s.seed(), s.markets(), s.holders()) : null;
        List<Tx> genesis = new ArrayList<>(flow.genesis());
        List<List<Tx>> setup = List.of();
        if (risk != null) {
            genesis.addAll(risk.genesis());
            setup = risk.setup(s.blockTxs());
        }
        // The index moves that lead each block when asked for (not counted as orders).
        RiskWorkload moves = s.indexMoves() ? risk : null;
        int lead = moves == null ? 0 : s.markets() + 1;
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-engine");
             Chain on = new Chain(dir.path().resolve("archiving"), s, s.archiveAfterBlocks(), lead, genesis, setup, out);
             Chain off = new Chain(dir.path().resolve("not-archiving"), s, 0, lead, genesis, setup, out)) {
            if (risk != null) {
                // the flow names its own orders by the ids the engine will give them: after the setup's
                flow.startOrderIdsAt(on.nextOrderId());
            }
            List<List<Tx>> warmupBlocks = blocksOf(flow, s.warmupOrders(), s.blockTxs(), moves);
            List<List<Tx>> blocks = blocksOf(flow, s.orders(), s.blockTxs(), moves);
            out.printf(Locale.ROOT, "engine: %,d order txs in %,d blocks of %,d (after %,d untimed), %d markets, %d accounts, fsync %b,"
                            + " pipelined %b; a chain archiving after %d blocks and one never archiving, in %d turns%n",
                    s.orders(), blocks.size(), s.blockTxs(), s.warmupOrders(), s.markets(), s.accounts(), s.fsync(), s.pipelined(),
                    s.archiveAfterBlocks(), TURNS);
            on.warmUp(warmupBlocks, blocks.size());
            off.warmUp(warmupBlocks, blocks.size());
            long[] ordersAt = new long[TURNS];
            long ordersRun = 0;
            for (int turn = 0; turn < TURNS; turn++) {
                List<List<Tx>> part = blocks.subList(blocks.size() * turn / TURNS, blocks.size() * (turn + 1) / TURNS);
                // Which chain goes first alternates, so that running second (after the other's
                // writes, with its compactions still going) weighs on both alike.
                for (Chain c : turn % 2 == 0 ? List.of(on, off) : List.of(off, on)) {
                    c.run(part);
                }
                for (List<Tx> b : part) {
                    ordersRun += b.size() - lead;
                }
                ordersAt[turn] = ordersRun;
                on.countLiveState(turn);
                off.countLiveState(turn);
            }
            RiskPassFigures quiet = null;
            if (moves != null) {
                List<List<Tx>> quietBlocks = new ArrayList<>(QUIET_BLOCKS);
                for (int q = 0; q < QUIET_BLOCKS; q++) {
                    quietBlocks.add(moves.fallingIndexMoves());
                }
                quiet = on.quiet(quietBlocks);
            }
            Report report = new Report(s, on.lane(), off.lane(), ordersAt, quiet);
            for (Chain c : List.of(on, off)) {
                c.print(out);
            }
            out.printf(Locale.ROOT, "engine: archiving costs %.1f %% more time per order (%,.0f vs %,.0f orders/s); turn by turn"
                            + " [%s] %%%n", report.archivalCostPercent(), report.archiving().ordersPerSec(),
                    report.notArchiving().ordersPerSec(), percents(report.archivalCostPercentByTurn(), ", "));
            out.printf(Locale.ROOT, "engine: keys in the tree after each tenth: archiving %s, not archiving %s%n",
                    Arrays.toString(report.archiving().liveKeys()), Arrays.toString(report.notArchiving().liveKeys()));
            out.printf(Locale.ROOT, "engine: finished orders in the tree after each tenth: archiving %s, not archiving %s%n",
                    Arrays.toString(report.archiving().finishedInTree()), Arrays.toString(report.notArchiving().finishedInTree()));
            if (quiet != null) {
                out.printf(Locale.ROOT, "engine: risk pass in %d blocks of only the index moves (each mark a tick, the holders' down;"
                        + " archiving chain): %s%n", QUIET_BLOCKS, quiet.describe());
            }
            return report;
        }
    }

    /** Percentages with one decimal, joined by {@code separator}. */
    private static String percents(double[] values, String separator) {
        StringBuilder b = new StringBuilder();
        for (double p : values) {
            b.append(b.isEmpty() ? "" : separator).append(String.format(Locale.ROOT, "%.1f", p));
        }
        return b.toString();
    }

    /** One chain: its store and engine, the blocks it ran, and what they cost. */
    private static final class Chain implements AutoCloseable {
        private final Settings s;
        private final int archiveAfterBlocks;
        private final int lead;
        private final StateManager store;
        private final Engine engine;
        private CommitStats before;
        private final long[] liveKeys = new long[TURNS];
        private final long[] liveBytes = new long[TURNS];
        private final long[] finishedInTree = new long[TURNS];
        private RiskPassSamples riskPass;
        private long height;
        private long txs;
        private long fills;
        private long blocks;
        private long nanos;
        private final double[] turnSeconds = new double[TURNS];
        private int turnsRun;
        private long matchingNanos;

        /** Opens the chain and runs, untimed, its genesis and the holders' setup. */
        Chain(Path dir, Settings s, int archiveAfterBlocks, int lead, List<Tx> genesis, List<List<Tx>> setup, PrintStream out) {
            this.s = s;
            this.archiveAfterBlocks = archiveAfterBlocks;
            this.lead = lead;
            this.store = StateManager.open(dir, StateConfig.defaults().withFsync(s.fsync()));
            this.engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            List<Tx> first = new ArrayList<>();
            first.add(new Tx.ChainParams(null, 0, archiveAfterBlocks));
            first.addAll(genesis);
            engine.executeBlock(++height, height, first);
            if (!setup.isEmpty()) {
                long opened = System.nanoTime();
                long liquidated = 0;
                for (List<Tx> b : setup) {
                    height++;
                    liquidated += engine.executeBlock(height, height, b).risk().liquidated();
                }
                out.printf(Locale.ROOT, "engine (%s): %,d accounts hold positions in market %d (%,d more liquidated as the index moved"
                                + " into their band), set up untimed in %.1f s; index moves each block: %b%n", name(),
                        s.holders() - liquidated, s.markets() + 1, liquidated, (System.nanoTime() - opened) / 1e9, s.indexMoves());
            }
        }

        long nextOrderId() {
            return CountersRecord.decode(store.get(new StateKey.Counters().encode())).nextOrderId();
        }

        /** Runs {@code warmupBlocks} untimed; the {@code timedBlocks} that follow are measured. */
        void warmUp(List<List<Tx>> warmupBlocks, int timedBlocks) {
            for (List<Tx> b : warmupBlocks) {
                height++;
                engine.executeBlock(height, height, b);
            }
            this.before = store.commitStats();
            this.riskPass = new RiskPassSamples(timedBlocks);
        }

        void run(List<List<Tx>> part) {
            long start = System.nanoTime();
            Engine.PendingBlock previous = null;
            for (List<Tx> b : part) {
                height++;
                BlockResult r;
                if (s.pipelined()) {
                    // as the node runs: block N's write overlaps block N+1's execution and tree, and
                    // N is durable (answerable) before N+2 starts
                    Engine.PendingBlock pending = engine.executeBlockPipelined(height, height, b);
                    if (previous != null) {
                        previous.awaitDurable();
                    }
                    previous = pending;
                    r = pending.result();
                } else {
                    r = engine.executeBlock(height, height, b);
                }
                matchingNanos += r.executeNanos();
                fills += r.fills().size();
                txs += b.size() - lead;
                blocks++;
                riskPass.add(r.risk());
            }
            if (previous != null) {
                previous.awaitDurable();
            }
            long took = System.nanoTime() - start;
            nanos += took;
            if (!part.isEmpty()) {
                turnSeconds[turnsRun++] = took / 1e9;
            }
        }

        /** The risk pass over {@code quietBlocks} of only index moves, after the timed flow (untimed otherwise). */
        RiskPassFigures quiet(List<List<Tx>> quietBlocks) {
            RiskPassSamples q = new RiskPassSamples(quietBlocks.size());
            for (List<Tx> b : quietBlocks) {
                height++;
                q.add(engine.executeBlock(height, height, b).risk());
            }
            return q.figures();
        }

        /**
         * Counts the keys in the tree, their bytes (key and value) and the finished orders among
         * them, untimed. The workload's resting orders grow through the run; the finished ones in
         * the tree are what archival bounds.
         */
        void countLiveState(int turn) {
            long[] n = {0, 0, 0};
            store.scanPrefixInPlace(new byte[0], (k, v) -> {
                n[0]++;
                n[1] += k.limit() + v.limit();
                if (k.get(0) == StateKey.TAG_ORDER && !OrderRecord.isResting(v)) {
                    n[2]++;
                }
            });
            liveKeys[turn] = n[0];
            liveBytes[turn] = n[1];
            finishedInTree[turn] = n[2];
        }

        Lane lane() {
            CommitStats c = store.commitStats().minus(before);
            return new Lane(archiveAfterBlocks, txs, fills, blocks, nanos / 1e9, matchingNanos / 1e9, c.treeNanos() / 1e9,
                    (c.encodeNanos() + c.writeNanos()) / 1e9, liveKeys.clone(), liveBytes.clone(), finishedInTree.clone(),
                    riskPass.figures(), Arrays.copyOf(turnSeconds, turnsRun));
        }

        private String name() {
            return archiveAfterBlocks == 0 ? "never archiving" : "archiving after " + archiveAfterBlocks + " blocks";
        }

        void print(PrintStream out) {
            CommitStats c = store.commitStats().minus(before);
            Lane l = lane();
            String name = name();
            out.printf(Locale.ROOT, "engine (%s): per block %,d state keys written, %,d RocksDB records, %,d KiB%n", name,
                    c.keyWrites() / Math.max(1, c.commits()), c.batchEntries() / Math.max(1, c.commits()),
                    c.batchBytes() / Math.max(1, c.commits()) / 1024);
            out.printf(Locale.ROOT, "engine (%s): %,.0f orders/s (%,d fills) — %.2f s: matching+bookkeeping %.2f s, tree %.2f s, rocksdb %.2f s%n",
                    name, l.ordersPerSec(), fills, l.seconds(), l.matchingSeconds(), l.treeSeconds(), l.rocksdbSeconds());
            out.printf(Locale.ROOT, "engine (%s): rocksdb = encoding the batch %.2f s (caller and helper) + writing it %.2f s (%s); reading nodes %.2f s%n",
                    name, c.encodeNanos() / 1e9, c.writeNanos() / 1e9, s.pipelined() ? "writer thread" : "caller waits",
                    c.readNanos() / 1e9);
            out.printf(Locale.ROOT, "engine (%s): risk pass per block: %s (part of matching+bookkeeping)%n", name, l.risk().describe());
        }

        @Override
        public void close() {
            store.close();
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
        if (inBlock != 0) {
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
