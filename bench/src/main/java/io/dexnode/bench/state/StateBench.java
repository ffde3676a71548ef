package io.dexnode.bench.state;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.state.RocksLibrary;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@code dexnode bench state}: what authentication costs. Fills a state of N keys, then measures
 * commits of K random key updates each (a root per commit, fsync per commit) next to a raw RocksDB
 * {@link WriteBatch} of the same keys and values (fsync per batch) into a database of the same
 * size, in the same run; then point reads and prefix scans of the latest state. The store persists
 * its tree in the background (every {@code TreePersistence} run); each leg starts with that work
 * and RocksDB's flushes and compactions settled, and is charged with what runs during it.
 *
 * <p>Keys look like the engine's: a tag, a BE u32 group and a BE u64 id (so a group prefix scans
 * {@link #GROUP} keys); values are {@link #VALUE_BYTES} random bytes. Everything lives in a fresh
 * temporary directory that is deleted afterwards.
 */
public final class StateBench {
    /** Keys per prefix-scan group. */
    public static final int GROUP = 100;
    /** Bytes per value. */
    public static final int VALUE_BYTES = 100;
    private static final int FILL_BATCH = 10_000;
    /** Measured rounds per batch size; the median round is reported. */
    private static final int ROUNDS = 5;

    /**
     * @param keys state size N
     * @param batches commit sizes to measure
     * @param updatesPerRun key updates timed per batch size (at least 10 commits)
     * @param baseDir where the temporary directory goes
     * @param seed workload seed
     * @param keepLast versions the state keeps (0: keep all)
     */
    public record Settings(int keys, List<Integer> batches, long updatesPerRun, Path baseDir, long seed, long keepLast) {
        public Settings {
            if (keys < 1 || batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("need keys >= 1 and batch sizes >= 1");
            }
            batches = List.copyOf(batches);
        }
    }

    /** One batch size's commit numbers. */
    public record CommitRun(int batch, int commits, double keyUpdatesPerSec, double rawRocksKeysPerSec,
                            double stateCommitMs, double rawCommitMs, double pipelinedKeyUpdatesPerSec,
                            double sustainedKeyUpdatesPerSec) {
        public double slowdownVsRaw() {
            return rawRocksKeysPerSec / keyUpdatesPerSec;
        }

        public double pipelinedSlowdownVsRaw() {
            return rawRocksKeysPerSec / pipelinedKeyUpdatesPerSec;
        }
    }

    /** The whole report. */
    public record Report(int keys, double fillKeysPerSec, List<CommitRun> runs, double pointReadsPerSec,
                         double missingReadsPerSec, double prefixScansPerSec, double scannedEntriesPerSec) {

        /** JSON, the primary (last) batch size's figures at the top level. */
        public String toJson() {
            CommitRun main = runs.get(runs.size() - 1);
            StringBuilder sb = new StringBuilder();
            sb.append("{\"keys\":").append(keys)
                    .append(",\"batch\":").append(main.batch())
                    .append(",\"keyUpdatesPerSec\":").append(round(main.keyUpdatesPerSec()))
                    .append(",\"rawRocksKeysPerSec\":").append(round(main.rawRocksKeysPerSec()))
                    .append(",\"slowdownVsRaw\":").append(String.format(java.util.Locale.ROOT, "%.3f", main.slowdownVsRaw()))
                    .append(",\"pipelinedKeyUpdatesPerSec\":").append(round(main.pipelinedKeyUpdatesPerSec()))
                    .append(",\"pipelinedSlowdownVsRaw\":").append(String.format(java.util.Locale.ROOT, "%.3f", main.pipelinedSlowdownVsRaw()))
                    .append(",\"sustainedKeyUpdatesPerSec\":").append(round(main.sustainedKeyUpdatesPerSec()))
                    .append(",\"fsync\":true")
                    .append(",\"fillKeysPerSec\":").append(round(fillKeysPerSec))
                    .append(",\"pointReadsPerSec\":").append(round(pointReadsPerSec))
                    .append(",\"missingReadsPerSec\":").append(round(missingReadsPerSec))
                    .append(",\"prefixScansPerSec\":").append(round(prefixScansPerSec))
                    .append(",\"scannedEntriesPerSec\":").append(round(scannedEntriesPerSec))
                    .append(",\"runs\":[");
            for (int i = 0; i < runs.size(); i++) {
                CommitRun r = runs.get(i);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"batch\":").append(r.batch())
                        .append(",\"commits\":").append(r.commits())
                        .append(",\"keyUpdatesPerSec\":").append(round(r.keyUpdatesPerSec()))
                        .append(",\"rawRocksKeysPerSec\":").append(round(r.rawRocksKeysPerSec()))
                        .append(",\"slowdownVsRaw\":").append(String.format(java.util.Locale.ROOT, "%.3f", r.slowdownVsRaw()))
                        .append(",\"pipelinedKeyUpdatesPerSec\":").append(round(r.pipelinedKeyUpdatesPerSec()))
                        .append(",\"pipelinedSlowdownVsRaw\":").append(String.format(java.util.Locale.ROOT, "%.3f", r.pipelinedSlowdownVsRaw()))
                        .append(",\"sustainedKeyUpdatesPerSec\":").append(round(r.sustainedKeyUpdatesPerSec()))
                        .append(",\"stateCommitMs\":").append(String.format(java.util.Locale.ROOT, "%.3f", r.stateCommitMs()))
                        .append(",\"rawCommitMs\":").append(String.format(java.util.Locale.ROOT, "%.3f", r.rawCommitMs()))
                        .append('}');
            }
            return sb.append("]}").toString();
        }

        private static long round(double d) {
            return Math.round(d);
        }
    }

    private StateBench() {}

    static byte[] key(long id) {
        byte[] k = new byte[13];
        k[0] = 'o';
        putInt(k, 1, (int) (id / GROUP));
        putLong(k, 5, id);
        return k;
    }

    private static void putInt(byte[] b, int off, int v) {
        for (int i = 3; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static byte[] value(SplittableRandom r) {
        byte[] v = new byte[VALUE_BYTES];
        r.nextBytes(v);
        return v;
    }

    /** Runs the benchmark, narrating to {@code log}. */
    public static Report run(Settings o, PrintStream log) {
        try (ScratchDirectory tmp = ScratchDirectory.create(o.baseDir(), "dexnode-bench-state-")) {
            return runIn(o, tmp.path(), log);
        }
    }

    private static Report runIn(Settings o, Path tmp, PrintStream log) {
        StateConfig cfg = StateConfig.defaults().withPruning(
                o.keepLast() > 0 ? io.dexnode.state.PruningConfig.keepLast(o.keepLast()) : io.dexnode.state.PruningConfig.keepAll());
        Path stateDir = tmp.resolve("state");
        Path rawDir = tmp.resolve("raw");
        double fillRate;
        log.printf("filling a state of %,d keys (%d-byte values, commits of %,d keys)%n", o.keys(), VALUE_BYTES, FILL_BATCH);
        SplittableRandom fillRandom = new SplittableRandom(o.seed());
        RocksLibrary.load();
        List<CommitRun> runs = new ArrayList<>();
        long version = 0;
        // One store for the fill and the measurement, as in a running node: its caches are warm.
        try (LRUCache cache = new LRUCache(cfg.blockCacheBytes());
             BloomFilter bloom = new BloomFilter(10, false);
             Options rawOptions = new Options().setCreateIfMissing(true)
                     .setWalBytesPerSync(1L << 20).setBytesPerSync(1L << 20) // as the state store
                     .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom))
                     .setWriteBufferSize(StateConfig.MEMTABLE_BYTES);
             RocksDB raw = RocksDB.open(rawOptions, rawDir.toString());
             WriteOptions noSync = new WriteOptions().setSync(false);
             WriteOptions sync = new WriteOptions().setSync(true);
             StateManager sm = StateManager.open(stateDir, cfg)) {
            // The raw database first, compacted, so that its background work does not run during
            // the state's measurement; the state's own compaction debt is part of its cost.
            SplittableRandom rawFill = new SplittableRandom(o.seed());
            for (long id = 0; id < o.keys(); id += FILL_BATCH) {
                try (WriteBatch wb = new WriteBatch()) {
                    for (long k = id; k < Math.min(o.keys(), id + FILL_BATCH); k++) {
                        wb.put(key(k), value(rawFill));
                    }
                    raw.write(noSync, wb);
                }
            }
            raw.compactRange();
            long t0 = System.nanoTime();
            for (long id = 0; id < o.keys(); id += FILL_BATCH) {
                WriteSet ws = new WriteSet();
                for (long k = id; k < Math.min(o.keys(), id + FILL_BATCH); k++) {
                    ws.put(key(k), value(fillRandom));
                }
                sm.commit(version++, ws, null);
            }
            sm.awaitPruning();
            fillRate = o.keys() / seconds(t0);
            StateManager.PersistStats afterFill = sm.persistStats();
            log.printf("  state fill: %,.0f keys/s (tree persisted %d times in the background, %,d nodes)%n", fillRate,
                    afterFill.persists(), afterFill.nodesWritten());
            for (int batch : o.batches()) {
                StateManager.PersistStats batchStart = sm.persistStats();
                int commits = (int) Math.max(ROUNDS, o.updatesPerRun() / batch);
                int warmup = Math.max(2, commits / 10);
                SplittableRandom r = new SplittableRandom(o.seed() * 31 + batch);
                List<WriteSet> sets = new ArrayList<>();
                List<long[]> ids = new ArrayList<>();
                List<byte[][]> vals = new ArrayList<>();
                // the synchronous leg and the pipelined leg each get their own write sets
                int perRound = Math.max(1, commits / ROUNDS);
                for (int g = 0; g < warmup + 2 * perRound * ROUNDS; g++) {
                    WriteSet ws = new WriteSet();
                    long[] idList = new long[batch];
                    byte[][] valList = new byte[batch][];
                    for (int i = 0; i < batch; i++) {
                        idList[i] = r.nextLong(o.keys());
                        valList[i] = value(r);
                        ws.put(key(idList[i]), valList[i]);
                    }
                    sets.add(ws);
                    ids.add(idList);
                    vals.add(valList);
                }
                for (int c = 0; c < warmup; c++) {
                    sm.commit(version++, sets.get(c), null);
                    rawWrite(raw, sync, ids.get(c), vals.get(c));
                }
                // Interleaved rounds (state, then raw on the same write sets, then state pipelined),
                // medians reported: the cores are shared, and a burst of someone else's work should
                // hit every leg alike. Each leg starts with both databases settled (see settle).
                double[] stateRates = new double[ROUNDS];
                double[] pipelinedRates = new double[ROUNDS];
                io.dexnode.state.CommitStats pipelinedStats = new io.dexnode.state.CommitStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
                double[] rawRates = new double[ROUNDS];
                int c = warmup;
                io.dexnode.state.CommitStats st = new io.dexnode.state.CommitStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
                for (int round = 0; round < ROUNDS; round++) {
                    // Synchronous: each commit returns once durable.
                    settle(sm, raw, log);
                    io.dexnode.state.CommitStats legStart = sm.commitStats();
                    long s0 = System.nanoTime();
                    long updates = 0;
                    for (int k = 0; k < perRound; k++) {
                        sm.commit(version++, sets.get(c + k), null);
                        updates += sets.get(c + k).size();
                    }
                    stateRates[round] = updates / seconds(s0);
                    st = st.plus(sm.commitStats().minus(legStart));
                    settle(sm, raw, log);
                    long r0 = System.nanoTime();
                    for (int k = 0; k < perRound; k++) {
                        rawWrite(raw, sync, ids.get(c + k), vals.get(c + k));
                    }
                    rawRates[round] = (double) perRound * batch / seconds(r0);
                    c += perRound;
                    // Pipelined, on write sets of its own: each commit's write overlaps the next one's
                    // tree; a commit is waited for (durable, as a node must before it answers) once
                    // the next one is prepared.
                    settle(sm, raw, log);
                    legStart = sm.commitStats();
                    long p0 = System.nanoTime();
                    updates = 0;
                    io.dexnode.state.PendingCommit previous = null;
                    for (int k = 0; k < perRound; k++) {
                        io.dexnode.state.PendingCommit now = sm.commitPipelined(version++, sets.get(c + k), null);
                        updates += sets.get(c + k).size();
                        if (previous != null) {
                            previous.awaitDurable();
                        }
                        previous = now;
                    }
                    previous.awaitDurable();
                    pipelinedRates[round] = updates / seconds(p0);
                    c += perRound;
                    pipelinedStats = pipelinedStats.plus(sm.commitStats().minus(legStart));
                }
                log.printf("    per commit: read %.2f ms, tree %.2f ms, encode %.2f ms, write %.2f ms; %,d records, %,d bytes; %,d nodes loaded%n",
                        st.readNanos() / 1e6 / st.commits(), st.treeNanos() / 1e6 / st.commits(), st.encodeNanos() / 1e6 / st.commits(),
                        st.writeNanos() / 1e6 / st.commits(), st.batchEntries() / st.commits(), st.batchBytes() / st.commits(),
                        st.nodesLoaded() / st.commits());
                double stateRate = median(stateRates);
                double rawRate = median(rawRates);
                // Sustained: synchronous commits back to back, nothing settled, over two runs of the
                // tree persister: the rate with the background persists and compactions paid for.
                settle(sm, raw, log);
                long sustainedUpdates = 2 * cfg.treePersistence().everyKeyUpdates() + batch;
                SplittableRandom sr = new SplittableRandom(o.seed() * 37 + batch);
                StateManager.PersistStats sustainedStart = sm.persistStats();
                long q0 = System.nanoTime();
                for (long done = 0; done < sustainedUpdates; done += batch) {
                    WriteSet ws = new WriteSet();
                    for (int i = 0; i < batch; i++) {
                        ws.put(key(sr.nextLong(o.keys())), value(sr));
                    }
                    sm.commit(version++, ws, null);
                }
                double sustained = sustainedUpdates / seconds(q0);
                log.printf("  batch %,6d: state %,9.0f key updates/s sustained (%,d updates back to back, %d tree persists in them, nothing settled)%n",
                        batch, sustained, sustainedUpdates, sm.persistStats().persists() - sustainedStart.persists());
                CommitRun run = new CommitRun(batch, perRound * ROUNDS, stateRate, rawRate,
                        batch * 1000.0 / stateRate, batch * 1000.0 / rawRate, median(pipelinedRates), sustained);
                runs.add(run);
                log.printf("  batch %,6d: state %,9.0f key updates/s (%.2f ms/commit, root per commit, fsync)  "
                                + "raw RocksDB %,9.0f keys/s (%.2f ms/batch, fsync)  slowdown %.2fx%n",
                        batch, run.keyUpdatesPerSec(), run.stateCommitMs(), run.rawRocksKeysPerSec(), run.rawCommitMs(),
                        run.slowdownVsRaw());
                log.printf("  batch %,6d: state %,9.0f key updates/s pipelined (each write overlapping the next commit's tree; durable before the next but one)  slowdown %.2fx%n",
                        batch, run.pipelinedKeyUpdatesPerSec(), run.pipelinedSlowdownVsRaw());
                StateManager.PersistStats batchEnd = sm.persistStats();
                log.printf("    tree persists in the background during this batch size's legs and waits: %d (%,d nodes); settled before each leg%n",
                        batchEnd.persists() - batchStart.persists(), batchEnd.nodesWritten() - batchStart.nodesWritten());
                log.printf("    per pipelined commit: tree %.2f ms, encode %.2f ms, write %.2f ms (on the writer thread)%n",
                        pipelinedStats.treeNanos() / 1e6 / pipelinedStats.commits(), pipelinedStats.encodeNanos() / 1e6 / pipelinedStats.commits(),
                        pipelinedStats.writeNanos() / 1e6 / pipelinedStats.commits());
            }

            SplittableRandom rr = new SplittableRandom(o.seed() + 99);
            int reads = 200_000;
            long g0 = System.nanoTime();
            long found = 0;
            for (int i = 0; i < reads; i++) {
                if (sm.get(key(rr.nextLong(o.keys()))) != null) {
                    found++;
                }
            }
            double readRate = reads / seconds(g0);
            long m0 = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                if (sm.get(key(o.keys() + rr.nextLong(o.keys()))) != null) {
                    found++;
                }
            }
            double missRate = reads / seconds(m0);
            int groups = (int) Math.max(1, o.keys() / GROUP);
            int scans = Math.min(20_000, Math.max(100, groups));
            long[] entries = {0};
            long p0 = System.nanoTime();
            for (int i = 0; i < scans; i++) {
                byte[] prefix = new byte[5];
                prefix[0] = 'o';
                putInt(prefix, 1, rr.nextInt(groups));
                sm.scanPrefix(prefix, (k, v) -> entries[0]++);
            }
            double scanSecs = seconds(p0);
            log.printf("  point reads: %,.0f/s (present, %,d found), %,.0f/s (missing)%n", readRate, found, missRate);
            log.printf("  prefix scans of %d keys: %,.0f scans/s, %,.0f entries/s%n",
                    GROUP, scans / scanSecs, entries[0] / scanSecs);
            return new Report(o.keys(), fillRate, runs, readRate, missRate, scans / scanSecs, entries[0] / scanSecs);
        } catch (RocksDBException e) {
            throw new IllegalStateException("raw RocksDB failed: " + e.getMessage(), e);
        }
    }

    /**
     * The baseline: the same keys and values as one batch, in key order (as the state store writes
     * its records — sorted batches go into RocksDB's memtable about twice as fast), fsync.
     */
    /** As {@code StateManager.awaitBackgroundWork}, for the raw database (one column family). */
    private static boolean awaitBackgroundWork(RocksDB raw, long maxMillis) throws RocksDBException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (raw.getLongProperty("rocksdb.num-running-compactions") + raw.getLongProperty("rocksdb.num-running-flushes")
                + raw.getLongProperty("rocksdb.compaction-pending") + raw.getLongProperty("rocksdb.mem-table-flush-pending") > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Waits (off the clock) until both databases' flushes and compactions are done, so that the
     * leg about to be timed is charged with the background work that runs during it and none of
     * the previous leg's, whichever database that was.
     */
    private static void settle(StateManager sm, RocksDB raw, PrintStream log) throws RocksDBException {
        boolean settled = sm.awaitBackgroundWork(120_000) & awaitBackgroundWork(raw, 120_000);
        if (!settled) {
            log.printf("    (background work still running after 2 minutes; measuring anyway)%n");
        }
    }

    private static void rawWrite(RocksDB raw, WriteOptions sync, long[] ids, byte[][] vals) throws RocksDBException {
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
        try (WriteBatch wb = new WriteBatch()) {
            for (int i : order) {
                wb.put(key(ids[i]), vals[i]);
            }
            raw.write(sync, wb);
        }
    }

    private static double median(double[] xs) {
        double[] sorted = xs.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double seconds(long startNanos) {
        return Math.max(1, System.nanoTime() - startNanos) / 1e9;
    }

}
