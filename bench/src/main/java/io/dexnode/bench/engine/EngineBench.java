package io.dexnode.bench.engine;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Orders per second through the whole engine — matching, state bookkeeping, a JMT root and one
 * fsynced RocksDB write per block — on a fresh store in a temporary directory. The workload is
 * generated before timing starts, and its first {@code warmupOrders} run and commit untimed (the
 * JIT compiles the hot paths, the store fills); the split says where the time went.
 */
public final class EngineBench {

    /** What to run. */
    public record Settings(int orders, int warmupOrders, int markets, int accounts, int blockTxs, Path dir, long seed,
                           boolean fsync, boolean pipelined) {
    }

    /** What was measured. */
    public record Report(Settings settings, long txs, long fills, long blocks, double seconds, double matchingSeconds,
                         double treeSeconds, double rocksdbSeconds) {
        public double ordersPerSec() {
            return txs / seconds;
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"orders\":%d,\"warmupOrders\":%d,\"ordersPerSec\":%.0f,\"blockTxs\":%d,\"markets\":%d,\"accounts\":%d,\"blocks\":%d,"
                            + "\"fills\":%d,\"fsync\":%b,\"pipelined\":%b,\"seconds\":%.3f,\"secondsIn\":{\"matching\":%.3f,\"tree\":%.3f,\"rocksdb\":%.3f}}",
                    txs, settings.warmupOrders(), ordersPerSec(), settings.blockTxs(), settings.markets(), settings.accounts(), blocks, fills,
                    settings.fsync(), settings.pipelined(), seconds, matchingSeconds, treeSeconds, rocksdbSeconds);
        }
    }

    private EngineBench() {
    }

    public static Report run(Settings s, PrintStream out) {
        OrderFlow flow = new OrderFlow(s.seed(), s.markets(), s.accounts());
        List<List<Tx>> warmupBlocks = blocksOf(flow, s.warmupOrders(), s.blockTxs());
        List<List<Tx>> blocks = blocksOf(flow, s.orders(), s.blockTxs());
        try (ScratchDirectory dir = ScratchDirectory.create(s.dir(), "dexnode-bench-engine");
             StateManager store = StateManager.open(dir.path(), StateConfig.defaults().withFsync(s.fsync()))) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            engine.executeBlock(1, 0, flow.genesis());
            out.printf(Locale.ROOT, "engine: %,d order txs in %,d blocks of %,d (after %,d untimed), %d markets, %d accounts, fsync %b, pipelined %b%n",
                    s.orders(), blocks.size(), s.blockTxs(), s.warmupOrders(), s.markets(), s.accounts(), s.fsync(), s.pipelined());
            long height = 1;
            for (List<Tx> txs : warmupBlocks) {
                height++;
                engine.executeBlock(height, height, txs);
            }
            CommitStats before = store.commitStats();
            long matching = 0;
            long fills = 0;
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
            }
            if (previous != null) {
                previous.awaitDurable();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            CommitStats c = store.commitStats().minus(before);
            Report report = new Report(s, s.orders(), fills, blocks.size(), seconds, matching / 1e9, c.treeNanos() / 1e9,
                    (c.encodeNanos() + c.writeNanos()) / 1e9);
            out.printf(Locale.ROOT, "engine: per block %,d state keys written, %,d RocksDB records, %,d KiB%n",
                    c.keyWrites() / Math.max(1, c.commits()), c.batchEntries() / Math.max(1, c.commits()),
                    c.batchBytes() / Math.max(1, c.commits()) / 1024);
            out.printf(Locale.ROOT, "engine: %,.0f orders/s (%,d fills) — %.2f s: matching+bookkeeping %.2f s, tree %.2f s, rocksdb %.2f s%n",
                    report.ordersPerSec(), fills, seconds, report.matchingSeconds(), report.treeSeconds(), report.rocksdbSeconds());
            out.printf(Locale.ROOT, "engine: rocksdb = encoding the batch %.2f s (caller and helper) + writing it %.2f s (%s); reading nodes %.2f s%n",
                    c.encodeNanos() / 1e9, c.writeNanos() / 1e9, s.pipelined() ? "writer thread" : "caller waits",
                    c.readNanos() / 1e9);
            return report;
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
