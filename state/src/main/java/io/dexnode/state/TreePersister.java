package io.dexnode.state;

import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the latest tree to RocksDB in the background, every {@link TreePersistence} run of
 * versions: the nodes the tree holds that were written since the previous persist (each once,
 * however often the run rewrote its path), the run's value history, the persisted nodes the run
 * made stale (for the pruner), and last the record that the tree of that version is whole on disk.
 *
 * <p>Invariants: a persist starts only once its version's commit is durable, so the disk never
 * holds a tree ahead of the committed state; the marker that a tree is whole is written after all
 * of its nodes, in the persist's last batch, so a crash in the middle leaves the previous tree as
 * the one to start from (the nodes already written are deleted on open as orphans); persists run
 * one at a time, in version order, on the store's background thread. A failed persist fails the
 * store.
 *
 * <p>The nodes and the value history skip the write-ahead log: what a persist writes is in the
 * change logs already, and logging it again made every commit's fsync wait for megabytes of tree
 * and made a restart re-read them. Their families are flushed to table files, and waited for,
 * before the marker is written (through the log); a crash before that loses only what the
 * restart rebuilds anyway.
 */
final class TreePersister {
    private static final Logger LOG = LoggerFactory.getLogger(TreePersister.class);
    /**
     * A persist writes its nodes and history in batches of about this many bytes, so commits can
     * interleave: a commit's write waits for the batch RocksDB is inserting, and at 4 MiB a batch
     * held commits for 10-30 ms (the open-loop API latency in docs/BENCHMARKS.md).
     */
    private static final int CHUNK_BYTES = 256 << 10;
    /** Persists queued at most; the committer waits for the oldest past this. */
    private static final int MAX_QUEUED = 2;

    private final StateDirectory disk;
    private final StoreGuard guard;
    private final LatestTree tree;
    private final AtomicReference<ChangeWindow> window;
    private final PersistedTrees trees;
    private final TreePersistence policy;
    private final StoreSeams seams;
    private final ExecutorService background;
    private final Runnable afterPersist;
    /** Nodes and value history: not logged (flushed before the marker instead). */
    private final WriteOptions persistWrite = new WriteOptions().setDisableWAL(true);
    /** The marker and the stale-node index: logged, not synced (a lost marker only means a longer re-apply). */
    private final WriteOptions markerWrite = new WriteOptions().setSync(false);
    /**
     * Held while a persist flushes its files and writes its marker, and while a checkpoint is
     * taken: a checkpoint lists the table files and then copies the log, so a marker logged in
     * between would name a tree whose unlogged nodes the checkpoint does not hold.
     */
    private final Object markerLock = new Object();
    /** Persists handed to the background thread and not finished, oldest first (committer only). */
    private final ArrayList<CompletableFuture<Void>> queued = new ArrayList<>();
    /** The batch being built (background thread; reused, so a persist allocates no large buffer). */
    private final BatchBuilder batch = new BatchBuilder(CHUNK_BYTES + (64 << 10));
    private long versionsSinceHandOff;
    private long updatesSinceHandOff;
    private volatile long persistedNodes;
    private volatile long persists;

    TreePersister(StateDirectory disk, StoreGuard guard, LatestTree tree, AtomicReference<ChangeWindow> window,
                  PersistedTrees trees, TreePersistence policy, StoreSeams seams, ExecutorService background,
                  Runnable afterPersist) {
        this.disk = disk;
        this.guard = guard;
        this.tree = tree;
        this.window = window;
        this.trees = trees;
        this.policy = policy;
        this.seams = seams;
        this.background = background;
        this.afterPersist = afterPersist;
    }

    /**
     * Committer, after each commit (and each re-applied version on open): hands the tree to the
     * background thread when the run since the last persist reached its bound.
     */
    void afterCommit(int keyUpdates, CompletableFuture<Void> durable) {
        versionsSinceHandOff++;
        updatesSinceHandOff += keyUpdates;
        long memory = unpersistedBytes();
        if (versionsSinceHandOff < policy.everyVersions() && updatesSinceHandOff < policy.everyKeyUpdates()
                && memory < policy.memoryBudgetBytes()) {
            return;
        }
        queued.removeIf(CompletableFuture::isDone);
        if (queued.size() >= MAX_QUEUED) {
            // The persists fall behind: wait for the oldest, so memory stays bounded.
            awaitQuietly(queued.remove(0));
        }
        handOff(durable);
    }

    /** Estimated heap held by what is not persisted: the run's change sets and its unlinked nodes. */
    long unpersistedBytes() {
        return window.get().bytes() + tree.unpersistedBytes();
    }

    /** Committer: persists the latest version now (if anything is unpersisted) and waits for it. */
    void persistNow(CompletableFuture<Void> durable) {
        if (versionsSinceHandOff > 0) {
            handOff(durable);
        }
        for (CompletableFuture<Void> f : List.copyOf(queued)) {
            awaitQuietly(f);
        }
        queued.clear();
    }

    /** The persists in flight, so that close and tests can wait for them. */
    List<CompletableFuture<Void>> inFlight() {
        return List.copyOf(queued);
    }

    private void handOff(CompletableFuture<Void> durable) {
        LatestTree.HandOff job = tree.handOff();
        versionsSinceHandOff = 0;
        updatesSinceHandOff = 0;
        CompletableFuture<Void> done = new CompletableFuture<>();
        queued.add(done);
        background.execute(() -> {
            try {
                run(job, durable);
                done.complete(null);
            } catch (Throwable e) {
                String f = guard.fail("the background persist of the tree at version " + job.version() + " failed (" + e + ")");
                LOG.error("state store failed: {}", f, e);
                done.completeExceptionally(e);
            }
        });
    }

    private static void awaitQuietly(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (RuntimeException e) {
            // The persist failed the store; the next call says so.
        }
    }

    /** Background thread: writes one persist. */
    private void run(LatestTree.HandOff job, CompletableFuture<Void> durable) throws Exception {
        try {
            durable.join();
        } catch (RuntimeException e) {
            return; // the commit failed, and with it the store: nothing to persist
        }
        if (guard.failure() != null) {
            return;
        }
        seams.beforeTreePersist(job.version());
        long version = job.version();
        // The nodes, in key order (a sorted run goes into the memtable about twice as fast).
        List<NodeKey> keys = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        LatestTree.collectUnpersisted(NodeKey.root(version), job.root(), job.previous(), (k, n) -> {
            keys.add(k);
            nodes.add(n);
        }, job.unlinked());
        int[] order = keyOrder(keys);
        BatchBuilder bb = batch;
        bb.clear();
        for (int i : order) {
            bb.putNode(disk.nodesId, keys.get(i), nodes.get(i));
            flushIfFull(bb, version, CHUNK_BYTES);
        }
        flushIfFull(bb, version, 1);
        // The value history of every version of the run, each version's records in key-hash order.
        for (VersionChanges vc : window.get().between(job.previous(), version)) {
            for (int i : vc.hashOrder()) {
                bb.putVersionRecord(disk.versionsId, vc.keyHashes()[i], vc.version(), vc.keys()[i], vc.values()[i]);
                flushIfFull(bb, version, CHUNK_BYTES);
            }
        }
        flushIfFull(bb, version, 1);
        // Last, in one batch: what the run made stale, and the marker that this tree is whole.
        if (!job.stale().isEmpty()) {
            bb.putNodeKeys(disk.staleId, Versions.longBE(version), job.stale());
        }
        bb.put(disk.metaId, RecordCodec.treeKey(version), new byte[0]);
        bb.put(disk.metaId, RecordCodec.META_TREE, Versions.longBE(version));
        synchronized (markerLock) {
            disk.flush("writing the tree", disk.nodes, disk.versions);
            write(bb, markerWrite);
        }
        trees.add(version);
        window.updateAndGet(w -> w.historyWrittenThrough(version));
        tree.persisted(job);
        persistedNodes += keys.size();
        persists++;
        afterPersist.run();
    }

    /**
     * The indices of {@code keys} in {@link NodeKey} order (version, then depth, then path), for
     * keys listed as {@link LatestTree#collectUnpersisted} walks them: depth first, children in
     * nibble order, so the keys of one version and depth already come in path order and a stable
     * sort by (version, depth) orders them all. That sort is one primitive sort of packed longs
     * (the boxed comparator sort it replaces took a sixth of a persist). Keys whose versions
     * span 2^24 or more fall back to the comparator.
     */
    static int[] keyOrder(List<NodeKey> keys) {
        int n = keys.size();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (NodeKey k : keys) {
            min = Math.min(min, k.version());
            max = Math.max(max, k.version());
        }
        int[] order = new int[n];
        if (n == 0) {
            return order;
        }
        if (min < 0 || max - min >= 1L << 24) {
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> keys.get(a).compareTo(keys.get(b)));
            for (int i = 0; i < n; i++) {
                order[i] = boxed[i];
            }
            return order;
        }
        // (version - min) in 24 bits, depth (0..64) in 7, the index in the low 32: ties keep the walk's order.
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            NodeKey k = keys.get(i);
            packed[i] = (((k.version() - min) << 7 | k.path().length()) << 32) | i;
        }
        Arrays.sort(packed);
        for (int i = 0; i < n; i++) {
            order[i] = (int) packed[i];
        }
        return order;
    }

    /** Writes {@code bb} if it holds at least {@code bytes} (and a record), then empties it. */
    private void flushIfFull(BatchBuilder bb, long version, int bytes) throws Exception {
        if (bb.count() == 0 || bb.sizeInBytes() < bytes) {
            return;
        }
        write(bb, persistWrite);
        bb.clear();
        seams.betweenTreePersistWrites(version);
    }

    private void write(BatchBuilder bb, WriteOptions options) {
        try (WriteBatch wb = bb.toWriteBatch()) {
            disk.write(options, wb, "writing the tree");
        }
    }

    /** Runs {@code checkpoint} with no persist writing its marker meanwhile (see {@link #markerLock}). */
    void excludingMarkers(Runnable checkpoint) {
        synchronized (markerLock) {
            checkpoint.run();
        }
    }

    /** Nodes written by persists since open. */
    long persistedNodes() {
        return persistedNodes;
    }

    /** Persists finished since open. */
    long persists() {
        return persists;
    }

    void close() {
        persistWrite.close();
        markerWrite.close();
    }
}
