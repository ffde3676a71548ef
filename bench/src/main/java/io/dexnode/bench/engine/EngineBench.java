package io.dexnode.bench.engine;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.CommitStats;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Orders per second through the whole engine — matching, state bookkeeping, archival, a JMT root
 * and one fsynced RocksDB write per block — on fresh stores in a temporary directory. The same
 * workload runs on two chains in the same run: one that archives finished orders
 * {@code archiveAfterBlocks} blocks after they finish and one that never does (0), in turns of
 * one tenth of the blocks each, so that the machine's load weighs on both alike; between turns,
 * with the clock stopped, each chain's live state (the keys in its tree) is counted. The workload
 * is generated before timing starts, and its first {@code warmupOrders} run and commit untimed
 * (the JIT compiles the hot paths, the store fills); the split says where the time went.
 */
public final class EngineBench {
    private static final int TURNS = 10;

    /** What to run; {@code archiveAfterBlocks} is the archiving chain's (the other's is 0). */
    public record Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                           boolean fsync, boolean pipelined, int archiveAfterBlocks) {
    }

    /** What one chain measured. */
    public record Lane(int archiveAfterBlocks, long txs, long fills, long blocks, double seconds, double matchingSeconds,
                       double treeSeconds, double rocksdbSeconds, long[] liveKeys, long[] liveBytes, long[] finishedInTree) {
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
                            + "\"secondsIn\":{\"matching\":%.3f,\"tree\":%.3f,\"rocksdb\":%.3f},\"liveState\":[%s]",
                    archiveAfterBlocks, ordersPerSec(), blocks, fills, seconds, matchingSeconds, treeSeconds, rocksdbSeconds, keys);
        }
    }

    /**
     * What was measured: the archiving chain (its figures lead) and the one that never archives.
     * {@code ordersAt[i]} is how many timed orders ran before the i-th live-state count.
     */
    public record Report(Settings settings, Lane archiving, Lane notArchiving, long[] ordersAt) {
        public double ordersPerSec() {
            return archiving.ordersPerSec();
        }

        /** How much more time an order costs when the chain archives, in percent of the cost when it does not. */
        public double archivalCostPercent() {
            return (archiving.seconds() / notArchiving.seconds() - 1) * 100;
        }

        public String toJson() {
            StringBuilder at = new StringBuilder();
            for (int i = 0; i < ordersAt.length; i++) {
                at.append(i == 0 ? "" : ",").append(ordersAt[i]);
            }
            return String.format(Locale.ROOT,
                    "{\"orders\":%d,\"warmupOrders\":%d,\"blockTxs\":%d,\"markets\":%d,\"accounts\":%d,\"fsync\":%b,\"pipelined\":%b,"
                            + "%s,\"archivalCostPercent\":%.1f,\"liveStateAtOrders\":[%s],\"noArchival\":{%s}}",
                    archiving.txs(), settings.warmupOrders(), settings.blockTxs(), settings.markets(), settings.accounts(),
                    settings.fsync(), settings.pipelined(), archiving.json(), archivalCostPercent(), at, notArchiving.json());
        }
    }

    private EngineBench() {
    }

    public static Report run(Settings s, PrintStream out) {
        OrderFlow flow = new OrderFlow(s.seed(), s.markets(), s.accounts());
        List<Tx> genesis = flow.genesis();
        List<List<Tx>> warmupBlocks = blocksOf(flow, s.warmupOrders(), s.blockTxs());
        List<List<Tx>> blocks = blocksOf(flow, s.orders(), s.blockTxs());
        out.printf(Locale.ROOT, "engine: %,d order txs in %,d blocks of %,d (after %,d untimed), %d markets, %d accounts, fsync %b,"
                        + " pipelined %b; a chain archiving after %d blocks and one never archiving, in %d turns%n",
                s.orders(), blocks.size(), s.blockTxs(), s.warmupOrders(), s.markets(), s.accounts(), s.fsync(), s.pipelined(),
                s.archiveAfterBlocks(), TURNS);
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-engine");
             Chain on = new Chain(dir.path().resolve("archiving"), s, s.archiveAfterBlocks(), genesis, warmupBlocks);
             Chain off = new Chain(dir.path().resolve("not-archiving"), s, 0, genesis, warmupBlocks)) {
            long[] ordersAt = new long[TURNS];
            long ordersRun = 0;
            for (int turn = 0; turn < TURNS; turn++) {
                List<List<Tx>> part = blocks.subList(blocks.size() * turn / TURNS, blocks.size() * (turn + 1) / TURNS);
                on.run(part);
                off.run(part);
                for (List<Tx> b : part) {
                    ordersRun += b.size();
                }
                ordersAt[turn] = ordersRun;
                on.countLiveState(turn);
                off.countLiveState(turn);
            }
            Report report = new Report(s, on.lane(), off.lane(), ordersAt);
            for (Chain c : List.of(on, off)) {
                c.print(out);
            }
            out.printf(Locale.ROOT, "engine: archiving costs %.1f %% more time per order (%,.0f vs %,.0f orders/s)%n",
                    report.archivalCostPercent(), report.archiving().ordersPerSec(), report.notArchiving().ordersPerSec());
            out.printf(Locale.ROOT, "engine: keys in the tree after each tenth: archiving %s, not archiving %s%n",
                    java.util.Arrays.toString(report.archiving().liveKeys()), java.util.Arrays.toString(report.notArchiving().liveKeys()));
            out.printf(Locale.ROOT, "engine: finished orders in the tree after each tenth: archiving %s, not archiving %s%n",
                    java.util.Arrays.toString(report.archiving().finishedInTree()),
                    java.util.Arrays.toString(report.notArchiving().finishedInTree()));
            return report;
        }
    }

    /** One chain: its store and engine, the blocks it ran, and what they cost. */
    private static final class Chain implements AutoCloseable {
        private final Settings s;
        private final int archiveAfterBlocks;
        private final StateManager store;
        private final Engine engine;
        private final CommitStats before;
        private final long[] liveKeys = new long[TURNS];
        private final long[] liveBytes = new long[TURNS];
        private final long[] finishedInTree = new long[TURNS];
        private long height;
        private long txs;
        private long fills;
        private long blocks;
        private long nanos;
        private long matchingNanos;

        Chain(Path dir, Settings s, int archiveAfterBlocks, List<Tx> genesis, List<List<Tx>> warmupBlocks) {
            this.s = s;
            this.archiveAfterBlocks = archiveAfterBlocks;
            this.store = StateManager.open(dir, StateConfig.defaults().withFsync(s.fsync()));
            this.engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            List<Tx> first = new ArrayList<>();
            first.add(new Tx.ChainParams(null, 0, archiveAfterBlocks));
            first.addAll(genesis);
            engine.executeBlock(++height, height, first);
            for (List<Tx> b : warmupBlocks) {
                height++;
                engine.executeBlock(height, height, b);
            }
            this.before = store.commitStats();
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
                txs += b.size();
                blocks++;
            }
            if (previous != null) {
                previous.awaitDurable();
            }
            nanos += System.nanoTime() - start;
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
                    (c.encodeNanos() + c.writeNanos()) / 1e9, liveKeys.clone(), liveBytes.clone(), finishedInTree.clone());
        }

        void print(PrintStream out) {
            CommitStats c = store.commitStats().minus(before);
            Lane l = lane();
            String name = archiveAfterBlocks == 0 ? "never archiving" : "archiving after " + archiveAfterBlocks + " blocks";
            out.printf(Locale.ROOT, "engine (%s): per block %,d state keys written, %,d RocksDB records, %,d KiB%n", name,
                    c.keyWrites() / Math.max(1, c.commits()), c.batchEntries() / Math.max(1, c.commits()),
                    c.batchBytes() / Math.max(1, c.commits()) / 1024);
            out.printf(Locale.ROOT, "engine (%s): %,.0f orders/s (%,d fills) — %.2f s: matching+bookkeeping %.2f s, tree %.2f s, rocksdb %.2f s%n",
                    name, l.ordersPerSec(), fills, l.seconds(), l.matchingSeconds(), l.treeSeconds(), l.rocksdbSeconds());
            out.printf(Locale.ROOT, "engine (%s): rocksdb = encoding the batch %.2f s (caller and helper) + writing it %.2f s (%s); reading nodes %.2f s%n",
                    name, c.encodeNanos() / 1e9, c.writeNanos() / 1e9, s.pipelined() ? "writer thread" : "caller waits",
                    c.readNanos() / 1e9);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** The next {@code orders} transactions of the flow, in blocks of {@code blockTxs} (the last may be short). */
    private static List<List<Tx>> blocksOf(OrderFlow flow, int orders, int blockTxs) {
        List<List<Tx>> blocks = new ArrayList<>();
        List<Tx> current = new ArrayList<>(blockTxs);
        for (int i = 0; i < orders; i++) {
            current.add(flow.next());
            if (current.size() == blockTxs) {
                blocks.add(current);
                current = new ArrayList<>(blockTxs);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }
}
