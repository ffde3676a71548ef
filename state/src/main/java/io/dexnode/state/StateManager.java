package io.dexnode.state;

import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable {@link StateStore}: versioned values and their Jellyfish Merkle Tree on
 * embedded RocksDB. A façade over parts with one job each:
 * <ul>
 *   <li>{@link StateDirectory} — the RocksDB database, its column families and format;</li>
 *   <li>{@link CommitPipeline} — the per-block commit: the tree in memory, values, change log and
 *       root in one atomic write;</li>
 *   <li>{@link LatestTree} — the latest tree in memory and what of it is not yet on disk;</li>
 *   <li>{@link TreePersister} — writes the tree's new nodes and the value history in the background;</li>
 *   <li>{@link TreeRecovery} — on open, rebuilds the tree from the last persisted one and the change logs;</li>
 *   <li>{@link Pruner} — removes what no retained version needs;</li>
 *   <li>{@link StateReader} and {@link ProofService} — reads and proofs.</li>
 * </ul>
 *
 * <p>Invariants: what is on disk is always a whole number of commits and, separately, a whole
 * persisted tree at some committed version at or below the latest; the latest tree and every
 * retained version's root are recomputable from them. After a failed write or persist the store
 * refuses everything, because memory and disk may disagree. One thread commits at a time; reads
 * run concurrently.
 */
public final class StateManager implements StateStore {
    /** The on-disk format this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = StateDirectory.FORMAT_VERSION;

    private static final Logger LOG = LoggerFactory.getLogger(StateManager.class);

    private final StateConfig cfg;
    private final StateDirectory disk;
    private final StoreGuard guard;
    private final LatestTree tree;
    private final PersistedTrees trees;
    private final AtomicReference<ChangeWindow> window;
    private final ExecutorService background;
    /** Computes half of a large commit's tree (the root's later subtrees) beside the committer. */
    private final ExecutorService treeHelper;
    private final Readable readable;
    private final Pruner pruner;
    private final TreePersister persister;
    private final CommitPipeline pipeline;
    private final StateReader reads;
    private final PinnedViews views;
    private final ProofService proofs;
    private final ArmedWriteFailure faults;
    private final long openedLatest;
    private final long openedTree;
    private TreeRecovery.Report recovery;

    /** The oldest version reads may ask for (NO_VERSION when empty); only ever raised. */
    private static final class Readable implements Pruner.ReadableRange {
        private volatile long from;

        Readable(long from) {
            this.from = from;
        }

        @Override
        public long from() {
            return from;
        }

        @Override
        public synchronized void raiseTo(long version) {
            if (version > from) {
                from = version;
            }
        }
    }

    private StateManager(Path dir, StateConfig cfg, StateDirectory disk, StoreSeams injected) {
        ArmedWriteFailure seams = new ArmedWriteFailure(injected);
        this.faults = seams;
        this.cfg = cfg;
        this.disk = disk;
        this.guard = new StoreGuard(dir);
        long latest = disk.metaLong(RecordCodec.META_LATEST, NO_VERSION, "latest version");
        long treeVersion = disk.metaLong(RecordCodec.META_TREE, NO_VERSION, "persisted tree version");
        byte[] latestRoot = io.dexnode.jmt.JellyfishMerkleTree.emptyRootHash();
        if (latest != NO_VERSION) {
            latestRoot = disk.get(disk.meta, RecordCodec.rootKey(latest));
            if (latestRoot == null || latestRoot.length != 32) {
                throw new StateException("the state at " + dir + " is corrupt: no root for its latest version " + latest);
            }
        }
        if (treeVersion != NO_VERSION && (latest == NO_VERSION || treeVersion > latest)) {
            throw new StateException("the state at " + dir + " is corrupt: its persisted tree (version " + treeVersion
                    + ") is ahead of its latest committed version " + latest);
        }
        this.trees = new PersistedTrees(disk.metaVersions(RecordCodec.TREE_PREFIX, 0, Long.MAX_VALUE));
        // Once pruning ran, its recorded horizon is the oldest readable version (it may fall in a
        // gap between committed versions); before that, the first committed version is.
        long oldest = NO_VERSION;
        long pruned = NO_VERSION;
        if (latest != NO_VERSION) {
            List<Long> first = disk.metaVersions(RecordCodec.ROOT_PREFIX, 0, latest);
            oldest = disk.metaLong(RecordCodec.META_OLDEST, first.isEmpty() ? latest : first.get(0), "oldest version");
            pruned = disk.metaLong(RecordCodec.META_PRUNED, NO_VERSION, "pruned version");
            oldest = Math.min(Math.max(oldest, cfg.pruning().horizon(latest)), latest);
        }
        this.readable = new Readable(oldest);
        this.treeHelper = DaemonExecutors.single("state-tree");
        this.tree = new LatestTree(disk, cfg.nodeCacheEntries(), treeVersion, treeHelper);
        this.window = new AtomicReference<>(ChangeWindow.empty(treeVersion));
        this.background = DaemonExecutors.single("state-background");
        this.pruner = new Pruner(disk, guard, cfg.pruning(), trees, background, readable, pruned);
        this.persister = new TreePersister(disk, guard, tree, window, trees, cfg.treePersistence(), seams, background,
                pruner::reschedule);
        this.pipeline = new CommitPipeline(disk, guard, tree, window, cfg.fsync(), seams, latestRoot, new CommitPipeline.Listener() {
            @Override
            public void committed(long version, int keyUpdates, CompletableFuture<Void> durable) {
                if (readable.from() == NO_VERSION) {
                    readable.raiseTo(version);
                }
                persister.afterCommit(keyUpdates, durable);
            }

            @Override
            public void durable(long version) {
                readable.raiseTo(cfg.pruning().horizon(version));
                pruner.schedule(version);
            }
        });
        this.reads = new StateReader(disk, guard, pipeline, tree, window, readable);
        this.views = new PinnedViews(disk, guard);
        this.proofs = new ProofService(disk, tree, trees, reads);
        this.openedLatest = latest;
        this.openedTree = treeVersion;
    }

    /** Rebuilds the latest tree (on open, before anything else uses the store). */
    private void recover() {
        synchronized (pipeline.commitLock()) {
            CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
            recovery = TreeRecovery.replay(disk, tree, window, keys -> persister.afterCommit(keys, durable), openedTree,
                    openedLatest);
        }
        pruner.schedule(openedLatest);
    }

    /**
     * Opens the state in {@code dir}, creating it when the directory is absent or empty, and
     * rebuilds the latest tree (see {@link TreeRecovery}).
     *
     * @throws StateException when the directory is not a dexnode state, is corrupt, does not
     *                        recompute to its stored roots, or is of another on-disk format
     */
    public static StateManager open(Path dir, StateConfig cfg) {
        return open(dir, cfg, StoreSeams.NONE);
    }

    /** As {@link #open(Path, StateConfig)}, with test seams. */
    static StateManager open(Path dir, StateConfig cfg, StoreSeams seams) {
        if (cfg == null) {
            throw new IllegalArgumentException("open needs a state config");
        }
        StateDirectory disk = StateDirectory.open(dir, cfg.blockCacheBytes());
        StateManager sm;
        try {
            sm = new StateManager(dir, cfg, disk, seams);
        } catch (RuntimeException | Error e) {
            disk.close();
            throw e;
        }
        try {
            sm.recover();
            disk.startCompactions();
            return sm;
        } catch (RuntimeException | Error e) {
            sm.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- commit

    @Override
    public byte[] commit(long version, WriteSet writes, WriteSet extras) {
        PendingCommit pending = commitPipelined(version, writes, extras);
        pending.awaitDurable();
        return pending.root();
    }

    /**
     * Computes the tree on the caller's thread and hands the write to the writer thread: the next
     * commit's tree overlaps this one's RocksDB write.
     */
    @Override
    public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
        Lock lock = guard.enter();
        try {
            return pipeline.commit(version, writes, extras);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long latestVersion() {
        return reads.latestVersion();
    }

    @Override
    public byte[] latestRoot() {
        return reads.latestRoot();
    }

    @Override
    public byte[] rootAt(long version) {
        return reads.rootAt(version);
    }

    @Override
    public byte[] get(byte[] key) {
        return reads.get(key);
    }

    @Override
    public byte[] getDurable(byte[] key) {
        return reads.getDurable(key);
    }

    @Override
    public byte[] get(byte[] key, long version) {
        return reads.get(key, version);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        return reads.multiGet(keys);
    }

    @Override
    public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        reads.scanPrefix(prefix, visitor);
    }

    @Override
    public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        reads.scanPrefixInPlace(prefix, visitor);
    }

    @Override
    public DurableView durableView() {
        return reads.durableView(views);
    }

    @Override
    public void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        reads.scanRangeInPlace(from, to, visitor);
    }

    @Override
    public StateProof getWithProof(byte[] key, long version) {
        return proofs.prove(key, version);
    }

    @Override
    public List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        return reads.changedKeys(fromExclusive, toInclusive);
    }

    @Override
    public byte[] getExtra(byte[] key) {
        return reads.getExtra(key);
    }

    @Override
    public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        reads.scanExtras(prefix, visitor);
    }

    @Override
    public void scanExtras(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
        reads.scanExtras(prefix, from, visitor);
    }

    @Override
    public long oldestRetainedVersion() {
        return reads.oldestRetainedVersion();
    }

    /**
     * The versions whose whole tree is on disk, oldest first: proofs there read it directly; at
     * other retained versions (except the latest) the tree is recomputed from the newest one below.
     */
    public List<Long> persistedTreeVersions() {
        guard.usable();
        return trees.all();
    }

    // ---------------------------------------------------------------- checkpoint

    /**
     * Writes a RocksDB hard-link checkpoint of the committed state to {@code target} (which must not
     * exist). It opens with {@link #open} as a complete store at the version committed when it was
     * taken (its tree rebuilt from its newest persisted tree and later change logs).
     */
    public void checkpoint(Path target) {
        Lock lock = reads.enterDurable();
        try {
            persister.excludingMarkers(() -> disk.checkpoint(target));
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- background work

    /** Where commit time went since open. */
    public CommitStats commitStats() {
        return pipeline.stats();
    }

    /**
     * The tree persister's work since open and what is unpersisted now.
     *
     * @param persists persists finished
     * @param nodesWritten tree nodes they wrote
     * @param persistedVersion the newest persisted tree (NO_VERSION: none)
     * @param unpersistedVersions committed versions whose values are not yet in the on-disk history
     * @param unpersistedKeyUpdates their key updates (what a restart would re-apply, at most)
     * @param unpersistedBytes estimated heap held for them
     * @param recovery what the open re-applied
     */
    public record PersistStats(long persists, long nodesWritten, long persistedVersion, long unpersistedVersions,
                               long unpersistedKeyUpdates, long unpersistedBytes, TreeRecoveryReport recovery) {}

    /** What re-applying took on open: from which persisted tree, how many versions and key updates, how long. */
    public record TreeRecoveryReport(long fromVersion, long versions, long keyUpdates, long millis) {}

    public PersistStats persistStats() {
        ChangeWindow w = window.get();
        return new PersistStats(persister.persists(), persister.persistedNodes(), trees.newest(), w.versionCount(),
                w.keyUpdates(), persister.unpersistedBytes(),
                new TreeRecoveryReport(recovery.fromVersion(), recovery.versions(), recovery.keyUpdates(),
                        recovery.nanos() / 1_000_000));
    }

    /**
     * Persists the latest tree now and waits for it (a no-op when nothing is unpersisted): for
     * tools and tests that want the directory to reopen without re-applying anything.
     */
    public void persistTree() {
        Lock lock = guard.enter();
        try {
            synchronized (pipeline.commitLock()) {
                guard.usable();
                persister.persistNow(pipeline.latestDurable());
            }
            guard.usable();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the commits, persists and pruning handed off so far are done (for tests and tools). */
    public void awaitPruning() {
        if (guard.isClosed()) {
            return;
        }
        awaitBackgroundQueue();
    }

    private void awaitBackgroundQueue() {
        pipeline.awaitInFlight();
        List<CompletableFuture<Void>> persists;
        synchronized (pipeline.commitLock()) {
            persists = persister.inFlight();
        }
        for (CompletableFuture<Void> f : persists) {
            try {
                f.join();
            } catch (RuntimeException e) {
                guard.usable();
                throw e;
            }
        }
        try {
            background.submit(() -> { }).get();
            // A persist that finished asks for a pruning pass: let it run too.
            background.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while waiting for background work", e);
        } catch (ExecutionException e) {
            throw new StateException("background work failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            guard.usable();
        }
    }

    /**
     * Waits (up to {@code maxMillis}) until the store's background work (tree persists, pruning)
     * is done and RocksDB has no flush or compaction running or pending: for benchmarks that
     * should not charge one phase with the background work of the one before. Returns whether it
     * got there.
     */
    public boolean awaitBackgroundWork(long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        awaitBackgroundQueue();
        Lock lock = guard.enter();
        try {
            // Idle twice in a row, 20 ms apart: a compaction a flush just made due may not run yet.
            for (int quiet = 0; quiet < 2; ) {
                quiet = disk.idle() ? quiet + 1 : 0;
                if (quiet < 2) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    Thread.sleep(20);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A RocksDB property of one column family, for diagnostics (e.g. {@code rocksdb.cfstats}: its
     * flushes and compactions). Null if RocksDB does not know the property.
     *
     * @throws IllegalArgumentException if {@code family} is not one of the store's column families
     */
    public String rocksProperty(String family, String property) {
        Lock lock = guard.enter();
        try {
            return disk.db.getProperty(disk.family(family), property);
        } catch (RocksDBException e) {
            return null;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- for tests

    /**
     * The next commit's write fails with {@code message}, as an I/O error (ENOSPC, EIO) would:
     * for tests in other modules (they cannot inject seams into a store the node opens).
     */
    void injectWriteFailure(String message) {
        faults.arm(message);
    }

    /** Every node key in the {@code nodes} column family, in byte order. */
    List<NodeKey> storedNodeKeys() {
        List<NodeKey> out = new ArrayList<>();
        try (RocksIterator it = disk.iterator(disk.nodes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(NodeKey.decode(it.key()));
            }
            StateDirectory.check(it);
        }
        return out;
    }

    /** The node under {@code key} (memory or disk), or null. */
    Node loadNode(NodeKey key) {
        return tree.view(tree.head(), reads::valueAt).getNode(key);
    }

    /** The version of every entry of the value history, in key order. */
    List<Long> historyEntryVersions() {
        List<Long> out = new ArrayList<>();
        try (RocksIterator it = disk.iterator(disk.versions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(~Versions.getLongBE(it.key(), io.dexnode.jmt.KeyHash.LENGTH));
            }
            StateDirectory.check(it);
        }
        return out;
    }

    /** The number of records in column family {@code family}. */
    long countRecords(String family) {
        long n = 0;
        try (RocksIterator it = disk.iterator(disk.family(family))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
            StateDirectory.check(it);
        }
        return n;
    }

    // ---------------------------------------------------------------- close

    /**
     * Closes the store: commits handed to the writer are written, persists in flight finish, then,
     * once every call in flight has left, the memtables are flushed and RocksDB closes (a store
     * that failed is not flushed by this code, but RocksDB itself flushes memtables holding
     * unlogged persist writes when it closes: harmless, as a persist's marker is only ever written
     * after its files). The tree is not persisted first: the next open re-applies what
     * is unpersisted (bounded by {@link TreePersistence}).
     */
    @Override
    public void close() {
        synchronized (pipeline.commitLock()) {
            if (!guard.markClosed()) {
                return;
            }
        }
        pipeline.shutdown();
        treeHelper.shutdown();
        background.shutdown();
        try {
            if (!background.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.error("the state's background work did not finish within 5 minutes; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.whenQuiet(() -> {
            if (guard.failure() == null) {
                disk.flushAll();
            }
            pipeline.close();
            persister.close();
            pruner.close();
            views.releaseAll();
            disk.close();
        });
    }
}
