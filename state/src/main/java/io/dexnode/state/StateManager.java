package io.dexnode.state;

import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.LeafNode;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeCodec;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.PreimageReader;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.TreeUpdateBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable {@link StateStore}: the JMT and its values on embedded RocksDB, one atomic
 * {@link WriteBatch} per version.
 *
 * <p>Column families, one job each: {@code nodes} (node key → encoded node), {@code stale}
 * (stale-node index: per version, the nodes it made stale), {@code latest} (raw key → latest
 * value, for reads and prefix scans), {@code versions} (every value at the version it was
 * written, for reads at a version and for proofs), {@code changes} (version → keys written, for
 * incremental recovery), {@code blocks} (the caller's unauthenticated extras) and {@code meta}
 * (format, latest version, roots). Layouts are in {@link RecordCodec}.
 *
 * <p>Commits read the latest tree from memory: while it fits {@link StateConfig#nodeCacheEntries()}
 * the tree's nodes link to their children across commits; beyond that, bounded caches and a
 * level-by-level multi-get of the paths ({@link TreePrefetcher}). A helper thread encodes records
 * and keeps the caches while the committer computes the tree or waits for RocksDB.
 *
 * <p>Invariants: what is on disk is always a whole number of commits (one batch each); after a
 * failed write the store refuses everything, because memory and disk may disagree; pruning runs
 * on its own thread with its own batches and only ever removes what no version at or above the
 * oldest retained one can reach. One thread commits at a time; reads run concurrently.
 */
public final class StateManager implements StateStore {
    /** The on-disk format this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(StateManager.class);
    private static final int PRUNE_CHUNK = 20_000;
    private static final List<String> FAMILIES =
            List.of("default", "nodes", "stale", "latest", "versions", "changes", "blocks", "meta");

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final StateConfig cfg;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle nodesCf;
    private final ColumnFamilyHandle staleCf;
    private final ColumnFamilyHandle latestCf;
    private final ColumnFamilyHandle versionsCf;
    private final ColumnFamilyHandle changesCf;
    private final ColumnFamilyHandle blocksCf;
    private final ColumnFamilyHandle metaCf;
    private final int nodesId;
    private final int staleId;
    private final int latestId;
    private final int versionsId;
    private final int changesId;
    private final int blocksId;
    private final int metaId;
    private final WriteOptions commitWrite;
    private final WriteOptions pruneWrite;
    /** Internal nodes of the latest tree: filled by the committer, read by everyone. */
    private final InternalNodeCache nodeCache;
    /** Leaves of the latest tree, for the committing thread (guarded by {@link #commitLock}). */
    private final LeafCache leafCache;
    /** The latest root node (committer only; null until read). */
    private Node latestRootNode;
    /**
     * Whether the tree runs linked (committer only): the whole latest tree fits the node budget,
     * so parents hold their children as objects and the caches are left empty.
     */
    private boolean nodesLinked;
    /** Nodes read from RocksDB by the commit in progress (guarded by {@link #commitLock}). */
    private long nodesLoaded;
    /** Tree misses and keys written by the previous commit, to decide whether to prefetch. */
    private long lastCommitMisses;
    private long lastCommitKeys;
    /** Reused batch buffers: the tree's records (committer) and the value records (helper thread). */
    private final BatchBuilder treeRecords = new BatchBuilder(1 << 16);
    private final BatchBuilder valueRecordsBuffer = new BatchBuilder(1 << 16);
    private final BatchBuilder nodeRecordsTail = new BatchBuilder(1 << 16);
    /** Encodes a commit's value records while the tree is computed. */
    private final ExecutorService encoder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "state-encoder");
        t.setDaemon(true);
        return t;
    });
    private final Reader reader = new Reader();
    private final Object commitLock = new Object();
    private final Object statsLock = new Object();
    private final Object inFlightLock = new Object();
    /** Commits handed to the writer at most at once; the next waits for the oldest. */
    private static final int MAX_IN_FLIGHT = 2;
    private volatile int writeDelayMillisForTest;
    private volatile java.util.concurrent.CountDownLatch writeHoldForTest;
    /** Commits handed to the writer and not yet on disk, oldest first (replaced, never modified). */
    private volatile List<InFlight> inFlight = List.of();
    /** Writes commits to RocksDB one at a time, in version order. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "state-writer");
        t.setDaemon(true);
        return t;
    });
    /** Read side: any call using RocksDB; write side: close. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle = new java.util.concurrent.locks.ReentrantReadWriteLock();

    private volatile long latestVersion;
    private volatile byte[] latestRoot;
    /** The oldest version reads may ask for (NO_VERSION when empty). */
    private volatile long readableFrom;
    private volatile String failure;
    private volatile boolean closed;

    private final ExecutorService pruner;
    private final AtomicLong pruneTarget = new AtomicLong(NO_VERSION);
    private final AtomicBoolean pruneScheduled = new AtomicBoolean();
    /** The horizon the last finished pruning pass reached (pruner thread only). */
    private long prunedThrough;
    private volatile String injectedFailure;
    private volatile CommitStats stats = new CommitStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private StateManager(Path dir, StateConfig cfg, RocksDB db, DBOptions dbOptions, List<ColumnFamilyOptions> cfOptions,
                         LRUCache blockCache, List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.cfg = cfg;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.blockCache = blockCache;
        this.handles = handles;
        this.nodesCf = handles.get(1);
        this.staleCf = handles.get(2);
        this.latestCf = handles.get(3);
        this.versionsCf = handles.get(4);
        this.changesCf = handles.get(5);
        this.blocksCf = handles.get(6);
        this.metaCf = handles.get(7);
        this.nodesId = nodesCf.getID();
        this.staleId = staleCf.getID();
        this.latestId = latestCf.getID();
        this.versionsId = versionsCf.getID();
        this.changesId = changesCf.getID();
        this.blocksId = blocksCf.getID();
        this.metaId = metaCf.getID();
        this.commitWrite = new WriteOptions().setSync(cfg.fsync());
        this.pruneWrite = new WriteOptions().setSync(false);
        this.nodeCache = new InternalNodeCache(cfg.nodeCacheEntries() / 2);
        this.leafCache = new LeafCache(cfg.nodeCacheEntries());
        this.pruner = cfg.pruning().mode() == PruningMode.KEEP_LAST
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "state-pruner");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /**
     * Opens the state in {@code dir}, creating it when the directory is absent or empty.
     *
     * @throws StateException when the directory is not a dexnode state, is corrupt, or was written
     *                        by a newer format
     */
    public static StateManager open(Path dir, StateConfig cfg) {
        if (cfg == null) {
            throw new IllegalArgumentException("open needs a state config");
        }
        boolean fresh = checkDirectory(dir);
        LRUCache cache = new LRUCache(Math.max(cfg.blockCacheBytes(), 1L << 20));
        List<ColumnFamilyOptions> cfOpts = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : FAMILIES) {
            ColumnFamilyOptions o = familyOptions(name, cache);
            cfOpts.add(o);
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), o));
        }
        DBOptions dbo = new DBOptions()
                .setCreateIfMissing(fresh)
                .setCreateMissingColumnFamilies(fresh)
                .setMaxBackgroundJobs(2)
                // Sync the WAL in the background as it grows, so a commit's fsync has less left to flush.
                .setWalBytesPerSync(1L << 20)
                .setBytesPerSync(1L << 20)
                .setParanoidChecks(true);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbo, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeAll(null, handles, dbo, cfOpts, cache);
            throw new StateException("cannot open the state at " + dir + " (corrupt or not a dexnode state?): "
                    + e.getMessage(), e);
        }
        StateManager sm = new StateManager(dir, cfg, db, dbo, cfOpts, cache, handles);
        try {
            sm.load(fresh);
        } catch (RuntimeException e) {
            sm.closeQuietly();
            throw e;
        }
        return sm;
    }

    /** True when a new store is to be created; throws when the directory cannot be ours. */
    private static boolean checkDirectory(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                return true;
            }
            if (!Files.isDirectory(dir)) {
                throw new StateException(dir + " is not a directory; cannot open a state there");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isEmpty()) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new StateException("cannot read the state directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.exists(dir.resolve("CURRENT"))) {
            throw new StateException(dir + " is not a dexnode state directory (no RocksDB CURRENT file) and is not empty");
        }
        List<byte[]> present;
        try (Options o = new Options()) {
            present = RocksDB.listColumnFamilies(o, dir.toString());
        } catch (RocksDBException e) {
            throw new StateException("cannot read the state at " + dir + " (corrupt?): " + e.getMessage(), e);
        }
        if (present.isEmpty()) {
            // Every RocksDB database has at least "default": an empty list means RocksDB could not read
            // the list (RocksJava reports a damaged CURRENT or a missing MANIFEST this way, not by throwing).
            throw new StateException("cannot read the state at " + dir
                    + " (corrupt: its CURRENT or MANIFEST file is damaged or missing)");
        }
        List<String> names = new ArrayList<>();
        for (byte[] b : present) {
            names.add(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (!names.containsAll(FAMILIES)) {
            throw new StateException(dir + " is a RocksDB database but not a dexnode state (column families "
                    + names + ", expected " + FAMILIES + ")");
        }
        return false;
    }

    /**
     * Point-read families get small blocks (a random read decodes one block); tree nodes are
     * mostly SHA-256 hashes, which do not compress, so they skip compression; the extras, mostly
     * cold history, take ZSTD. All share one block cache and use bloom filters.
     */
    private static ColumnFamilyOptions familyOptions(String name, LRUCache cache) {
        boolean pointReads = name.equals("nodes") || name.equals("versions") || name.equals("latest");
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false))
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setBlockSize(pointReads ? 4 * 1024 : 16 * 1024);
        ColumnFamilyOptions o = new ColumnFamilyOptions().setTableFormatConfig(table)
                .setWriteBufferSize(StateConfig.MEMTABLE_BYTES)
                .setMaxWriteBufferNumber(4)
                .setCompressionType(CompressionType.NO_COMPRESSION);
        if (name.equals("blocks")) {
            // The extras (blocks, the order archive, trade and fill history) are written once and read a
            // page at a time: ZSTD stores them in about half the bytes of LZ4 (docs/BENCHMARKS.md#archive;
            // a trained dictionary did not pay there).
            o.setCompressionType(CompressionType.ZSTD_COMPRESSION).setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
        } else if (!name.equals("nodes")) {
            o.setBottommostCompressionType(CompressionType.LZ4_COMPRESSION);
        }
        return o;
    }

    /** Reads (or, fresh, writes) the metadata and resumes pruning. */
    private void load(boolean fresh) {
        try {
            byte[] format = db.get(metaCf, RecordCodec.META_FORMAT);
            if (format == null) {
                if (!fresh) {
                    throw new StateException(dir + " is not a dexnode state (no format version in its metadata)");
                }
                db.put(metaCf, commitWrite, RecordCodec.META_FORMAT, new byte[] {FORMAT_VERSION});
            } else if (format.length != 1) {
                throw new StateException("the state at " + dir + " has a corrupt format version record");
            } else if ((format[0] & 0xFF) > FORMAT_VERSION) {
                throw new StateException("the state at " + dir + " has format version " + (format[0] & 0xFF)
                        + ", newer than this dexnode reads (up to " + FORMAT_VERSION + "); upgrade dexnode");
            }
            byte[] latest = db.get(metaCf, RecordCodec.META_LATEST);
            if (latest == null) {
                latestVersion = NO_VERSION;
                latestRoot = JellyfishMerkleTree.emptyRootHash();
                readableFrom = NO_VERSION;
                prunedThrough = NO_VERSION;
                return;
            }
            latestVersion = readLong(latest, "latest version");
            byte[] root = db.get(metaCf, RecordCodec.rootKey(latestVersion));
            if (root == null || root.length != 32) {
                throw new StateException("the state at " + dir + " is corrupt: no root for its latest version " + latestVersion);
            }
            if (db.get(nodesCf, NodeKey.root(latestVersion).encode()) == null) {
                throw new StateException("the state at " + dir + " is corrupt: no root node for its latest version " + latestVersion);
            }
            latestRoot = root;
            // Once pruning ran, its recorded horizon is the oldest readable version (it may fall in
            // a gap between committed versions); before that, the first committed version is.
            byte[] oldestMeta = db.get(metaCf, RecordCodec.META_OLDEST);
            long oldest = oldestMeta != null ? readLong(oldestMeta, "oldest version") : firstRootVersion();
            byte[] pruned = db.get(metaCf, RecordCodec.META_PRUNED);
            prunedThrough = pruned == null ? NO_VERSION : readLong(pruned, "pruned version");
            oldest = Math.max(oldest, cfg.pruning().horizon(latestVersion));
            readableFrom = Math.min(oldest, latestVersion);
            schedulePruning(latestVersion);
        } catch (RocksDBException e) {
            throw new StateException("cannot read the state at " + dir + ": " + e.getMessage(), e);
        }
    }

    private long readLong(byte[] b, String what) {
        if (b.length != 8) {
            throw new StateException("the state at " + dir + " is corrupt: bad " + what + " record");
        }
        return Versions.getLongBE(b, 0);
    }

    private long firstRootVersion() {
        try (RocksIterator it = db.newIterator(metaCf)) {
            it.seek(new byte[] {RecordCodec.ROOT_PREFIX});
            if (it.isValid() && it.key().length == 9 && it.key()[0] == RecordCodec.ROOT_PREFIX) {
                return Versions.getLongBE(it.key(), 1);
            }
        }
        return latestVersion;
    }

    // ---------------------------------------------------------------- commit

    @Override
    public byte[] commit(long version, WriteSet writes, WriteSet extras) {
        PendingCommit pending = commitPipelined(version, writes, extras);
        pending.awaitDurable();
        return pending.root();
    }

    /**
     * Computes the tree and encodes the batch on the caller's thread, then hands the write to the
     * writer thread and returns: the next commit's tree overlaps this one's RocksDB write. When the
     * latest tree is not held in memory (larger than the node budget), the next commit reads nodes
     * from disk, so it first waits for the writes in flight.
     */
    @Override
    public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
        java.util.concurrent.locks.Lock lock = enter();
        try {
            if (writes == null) {
                throw new IllegalArgumentException("commit needs a write set (it may be empty)");
            }
            synchronized (commitLock) {
                usable();
                Versions.checkNext(version, latestVersion);
                long t0 = System.nanoTime();
                nodesLoaded = 0;
                TreeCommit.Hashed hashed = TreeCommit.hash(writes);
                byte[][] keys = hashed.keys();
                // The value records do not depend on the tree: encode them on the helper thread meanwhile.
                java.util.concurrent.Future<BatchBuilder> valueRecords = encoder.submit(() -> valueRecords(version, hashed, extras));
                CommitReader treeReader = new CommitReader();
                boolean wasLinked = nodesLinked;
                if (latestVersion != NO_VERSION && cfg.nodeCacheEntries() > 0) {
                    if (latestRootNode == null) {
                        latestRootNode = reader.getNode(NodeKey.root(latestVersion));
                    }
                    treeReader.resident = latestRootNode != null && latestRootNode.leafCount() <= cfg.nodeCacheEntries();
                    if (treeReader.resident && !nodesLinked) {
                        // From now on the tree's own links hold it; the caches would only duplicate it.
                        nodeCache.clear();
                        leafCache.clear();
                    }
                    nodesLinked = treeReader.resident;
                }
                if (!treeReader.resident || !wasLinked) {
                    // The tree reads nodes from disk (a tree past the budget, or the first linked
                    // commit, whose parents have no links yet): the writes in flight must have landed.
                    awaitInFlight();
                }
                // Walk and multi-get ahead only when the tree missed a lot last time (cold start, tree
                // larger than the cache); with a warm cache the walk would only repeat the tree's lookups.
                if (latestVersion != NO_VERSION && keys.length > 0 && lastCommitMisses * 16 >= lastCommitKeys) {
                    treeReader.prefetched = TreePrefetcher.prefetch(treeReader.source(), NodeKey.root(latestVersion),
                            hashed.sortedHashes());
                }
                long tRead = System.nanoTime();
                TreeCommit.Prepared p = TreeCommit.prepare(treeReader, latestVersion, version, hashed);
                long t1 = System.nanoTime();
                lastCommitMisses = treeReader.misses;
                lastCommitKeys = keys.length;
                TreeUpdateBatch batch = p.batch();
                BatchBuilder bb = treeRecords;
                bb.clear();
                // In key order, like every family (see valueRecords); the tree emits children first.
                int[] order = TreeCommit.nodeOrder(batch);
                // The helper encodes the second half of the nodes (after the value records) meanwhile.
                int half = order.length / 2;
                java.util.concurrent.Future<BatchBuilder> tail = encoder.submit(
                        () -> encodeNodes(nodeRecordsTail, batch, order, half, order.length));
                encodeNodes(bb, batch, order, 0, half);
                if (!p.stale().isEmpty()) {
                    bb.putStale(staleId, Versions.longBE(version), p.stale());
                }
                bb.put(metaId, RecordCodec.rootKey(version), p.root());
                bb.put(metaId, RecordCodec.META_LATEST, Versions.longBE(version));
                // The nodes' two halves stay consecutive in the nodes family (key order); the writer
                // thread turns the bytes into RocksDB's batch, off this thread.
                BatchBuilder tailRecords = awaitRecords(tail);
                BatchBuilder valueParts = awaitRecords(valueRecords);
                int recordCount = bb.count() + tailRecords.count() + valueParts.count();
                byte[] data = BatchBuilder.join(bb, tailRecords, valueParts);
                InFlight flight = new InFlight(version, keys, hashed.values(), new java.util.concurrent.CompletableFuture<>());
                // While RocksDB writes, the helper thread moves the caches to the new tree; the
                // next commit waits for that below (a non-resident tree also waits for the write).
                java.util.concurrent.Future<?> caches = treeReader.resident
                        ? java.util.concurrent.CompletableFuture.completedFuture(null)
                        : encoder.submit(() -> advanceCaches(p));
                long t2 = System.nanoTime();
                addStats(1, keys.length, nodesLoaded, tRead - t0, t1 - tRead, t2 - t1, 0, data.length, recordCount);
                // Bounded: with MAX_IN_FLIGHT writes queued, wait for the oldest (memory stays a few batches).
                List<InFlight> queued = inFlight;
                if (queued.size() >= MAX_IN_FLIGHT) {
                    queued.get(queued.size() - MAX_IN_FLIGHT).awaitDurable();
                }
                synchronized (inFlightLock) {
                    List<InFlight> now = new ArrayList<>(inFlight);
                    now.add(flight);
                    inFlight = List.copyOf(now);
                }
                // close() cannot run before the writer has the batch: it takes the commit lock held here.
                writer.execute(() -> writeInFlight(flight, data));
                try {
                    awaitRecords(caches);
                } catch (RuntimeException | Error e) {
                    // The version is being written but the caches did not follow it: refuse further use.
                    failure = "the caches of version " + version + " could not be updated (" + e
                            + "); the store refuses further use: restart to recover from disk";
                    throw e;
                }
                if (latestVersion == NO_VERSION) {
                    readableFrom = version;
                }
                latestRoot = p.root();
                latestRootNode = newRootNode(p.batch());
                latestVersion = version;
                return new PendingCommit(version, p.root().clone(), flight.durable());
            }
        } finally {
            lock.unlock();
        }
    }

    /** A commit handed to the writer: its latest values stay readable here until they are on disk. */
    private record InFlight(long version, byte[][] keys, byte[][] values, java.util.concurrent.CompletableFuture<Void> durable) {
        /** The value this commit wrote for {@code key}: its index in {@code values}, or negative if it did not write it. */
        int find(byte[] key) {
            return Arrays.binarySearch(keys, key, Arrays::compareUnsigned);
        }

        /** Waits until this commit is on disk; rethrows its write's failure as a {@link StateException}. */
        void awaitDurable() {
            new PendingCommit(version, null, durable).awaitDurable();
        }
    }

    /** Writer thread: writes one commit (in version order), then lets go of its in-memory values. */
    private void writeInFlight(InFlight flight, byte[] data) {
        try (WriteBatch wb = new WriteBatch(data)) {
            String f = failure;
            if (f != null) {
                throw new StateException(f);
            }
            int delay = writeDelayMillisForTest;
            if (delay > 0) {
                Thread.sleep(delay);
            }
            java.util.concurrent.CountDownLatch hold = writeHoldForTest;
            if (hold != null) {
                hold.await();
            }
            long t = System.nanoTime();
            write(wb, flight.version());
            addStats(0, 0, 0, 0, 0, 0, System.nanoTime() - t, 0, 0);
            synchronized (inFlightLock) {
                List<InFlight> now = new ArrayList<>(inFlight);
                now.remove(flight);
                inFlight = List.copyOf(now);
            }
            long horizon = cfg.pruning().horizon(flight.version());
            if (horizon > readableFrom) {
                readableFrom = horizon;
            }
            schedulePruning(flight.version());
            flight.durable().complete(null);
        } catch (Throwable e) {
            if (failure == null) {
                failure = "the commit of version " + flight.version() + " failed (" + e + "); the store refuses further use: restart to recover from disk";
            }
            flight.durable().completeExceptionally(e instanceof StateException ? e : new StateException(failure, e));
        }
    }

    /** Waits until every commit handed to the writer is on disk (or throws its failure). */
    private void awaitInFlight() {
        List<InFlight> pending = inFlight;
        if (!pending.isEmpty()) {
            pending.get(pending.size() - 1).awaitDurable();
        }
    }

    private void addStats(long commits, long keyWrites, long loaded, long read, long tree, long encode, long write,
                          long bytes, long entries) {
        synchronized (statsLock) {
            CommitStats s = stats;
            stats = new CommitStats(s.commits() + commits, s.keyWrites() + keyWrites, s.nodesLoaded() + loaded,
                    s.readNanos() + read, s.treeNanos() + tree, s.encodeNanos() + encode, s.writeNanos() + write,
                    s.batchBytes() + bytes, s.batchEntries() + entries);
        }
    }

    private BatchBuilder encodeNodes(BatchBuilder out, TreeUpdateBatch batch, int[] order, int from, int to) {
        if (out != treeRecords) {
            out.clear();
        }
        for (int i = from; i < to; i++) {
            out.putNode(nodesId, batch.nodeKey(order[i]), batch.node(order[i]));
        }
        return out;
    }

    /** The root node a batch wrote (every version writes its root last... or anywhere: find it). */
    private static Node newRootNode(TreeUpdateBatch batch) {
        for (int i = batch.nodeCount() - 1; i >= 0; i--) {
            if (batch.nodeKey(i).path().length() == 0) {
                return batch.node(i);
            }
        }
        return null;
    }

    /** The caches serve the latest tree: what this version made stale leaves them, what it wrote joins. */
    private Void advanceCaches(TreeCommit.Prepared p) {
        for (io.dexnode.jmt.StaleNodeIndex stale : p.stale()) {
            if (!leafCache.remove(stale.nodeKey())) {
                nodeCache.remove(stale.nodeKey());
            }
        }
        TreeUpdateBatch batch = p.batch();
        for (int i = 0; i < batch.nodeCount(); i++) {
            Node n = batch.node(i);
            if (n instanceof LeafNode leaf) {
                leafCache.put(batch.nodeKey(i), leaf);
            } else {
                nodeCache.offer(batch.nodeKey(i), n);
            }
        }
        return null;
    }

    /** Latest values, per-version values, the change record and the extras of one commit. */
    private BatchBuilder valueRecords(long version, TreeCommit.Hashed h, WriteSet extras) {
        byte[][] keys = h.keys();
        BatchBuilder bb = valueRecordsBuffer;
        bb.clear();
        // Records go in key order within each column family: RocksDB inserts a sorted run into its
        // memtable about twice as fast as the same keys in random order. Raw keys arrive sorted.
        for (int i = 0; i < keys.length; i++) {
            byte[] value = h.values()[i];
            if (value == null) {
                bb.delete(latestId, keys[i]);
            } else {
                bb.put(latestId, keys[i], value);
            }
        }
        for (int i : h.hashOrder()) {
            bb.putVersionRecord(versionsId, h.keyHashes()[i], version, keys[i], h.values()[i]);
        }
        if (keys.length > 0) {
            bb.put(changesId, Versions.longBE(version), RecordCodec.encodeKeys(keys));
        }
        if (extras != null) {
            extras.forEach((k, v) -> {
                if (v == null) {
                    bb.delete(blocksId, k);
                } else {
                    bb.put(blocksId, k, v);
                }
            });
        }
        return bb;
    }

    private static <T> T awaitRecords(java.util.concurrent.Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while encoding a commit", e);
        } catch (ExecutionException e) {
            throw new StateException("encoding a commit failed: " + e.getCause(), e.getCause());
        }
    }

    private void write(WriteBatch wb, long version) {
        try {
            String injected = injectedFailure;
            if (injected != null) {
                injectedFailure = null;
                throw new RocksDBException(injected);
            }
            db.write(commitWrite, wb);
        } catch (RocksDBException e) {
            failure = "the commit of version " + version + " failed (" + e.getMessage()
                    + "); the store refuses further use: restart to recover from disk";
            LOG.error("state store failed: {}", failure, e);
            throw new StateException(failure, e);
        }
    }

    /** Where commit time went since open. */
    public CommitStats commitStats() {
        return stats;
    }

    /**
     * A RocksDB property of one column family, for diagnostics (e.g. {@code rocksdb.cfstats}: its
     * flushes and compactions). Null if RocksDB does not know the property.
     *
     * @throws IllegalArgumentException if {@code family} is not one of the store's column families
     */
    public String rocksProperty(String family, String property) {
        int i = FAMILIES.indexOf(family);
        if (i < 0) {
            throw new IllegalArgumentException("no column family " + family + "; the store has " + FAMILIES);
        }
        try {
            return db.getProperty(handles.get(i), property);
        } catch (RocksDBException e) {
            return null;
        }
    }

    /** Tests: the writer sleeps this long before each write, so that commits overlap their writes for sure. */
    void delayWritesForTest(int millis) {
        writeDelayMillisForTest = millis;
    }

    /**
     * Tests: the writer waits for {@code release} before each write, so that a commit is certainly
     * not yet on disk for as long as a test needs, however slowly the test itself runs.
     */
    void holdWritesForTest(java.util.concurrent.CountDownLatch release) {
        writeHoldForTest = release;
    }

    /** For tests: makes the next commit's write fail as an I/O error would. */
    void injectWriteFailure(String message) {
        injectedFailure = message;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long latestVersion() {
        usable();
        return latestVersion;
    }

    @Override
    public byte[] latestRoot() {
        usable();
        return latestRoot.clone();
    }

    @Override
    public byte[] rootAt(long version) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            Versions.checkReadable(version, readableFrom, latestVersion);
            byte[] root = dbGet(metaCf, RecordCodec.rootKey(version));
            checkStillRetained(version);
            if (root == null) {
                throw new StateException("version " + version + " is not committed (no root)");
            }
            return root;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] get(byte[] key) {
        java.util.concurrent.locks.Lock lock = enter();
        try {
            // A commit not yet on disk holds the latest value of what it wrote (newest first).
            List<InFlight> pending = inFlight;
            for (int i = pending.size() - 1; i >= 0; i--) {
                InFlight f = pending.get(i);
                int at = f.find(key);
                if (at >= 0) {
                    byte[] v = f.values()[at];
                    return v == null ? null : v.clone();
                }
            }
            return dbGet(latestCf, key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] getDurable(byte[] key) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            return dbGet(latestCf, key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] get(byte[] key, long version) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            Versions.checkReadable(version, readableFrom, latestVersion);
            byte[] value = valueAt(KeyHash.of(key), version);
            checkStillRetained(version);
            return value;
        } finally {
            lock.unlock();
        }
    }

    private byte[] valueAt(KeyHash kh, long version) {
        byte[] seek = RecordCodec.versionKey(kh, version);
        try (RocksIterator it = db.newIterator(versionsCf)) {
            it.seek(seek);
            if (it.isValid() && RecordCodec.sameHash(it.key(), seek)) {
                return RecordCodec.valueOf(it.value());
            }
            checkIterator(it);
            return null;
        }
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            if (keys.isEmpty()) {
                return new ArrayList<>();
            }
            try {
                return new ArrayList<>(db.multiGetAsList(Collections.nCopies(keys.size(), latestCf), keys));
            } catch (RocksDBException e) {
                throw new StateException("state read failed: " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            scan(latestCf, prefix, visitor);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void scanPrefixInPlace(byte[] prefix, BiConsumer<java.nio.ByteBuffer, java.nio.ByteBuffer> visitor) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        // Direct buffers reused across entries: the iterator copies each key and value into them
        // without allocating a Java array per entry.
        java.nio.ByteBuffer key = java.nio.ByteBuffer.allocateDirect(64);
        java.nio.ByteBuffer value = java.nio.ByteBuffer.allocateDirect(1024);
        // A bulk scan reads each block once: inserting them all into the block cache would cost
        // more than it saves (a third of a pass over millions of records) and evict the hot set.
        try (ReadOptions bulk = new ReadOptions().setFillCache(false);
             RocksIterator it = db.newIterator(latestCf, bulk)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                key = readInto(key, it, true);
                if (!startsWith(key, prefix)) {
                    return;
                }
                value = readInto(value, it, false);
                visitor.accept(key, value);
            }
            checkIterator(it);
        } finally {
            lock.unlock();
        }
    }

    /** Copies the iterator's current key or value into {@code buf} (grown when too small); position 0, limit its length. */
    private static java.nio.ByteBuffer readInto(java.nio.ByteBuffer buf, RocksIterator it, boolean key) {
        buf.clear();
        int length = key ? it.key(buf) : it.value(buf);
        if (length > buf.capacity()) {
            buf = java.nio.ByteBuffer.allocateDirect(Math.max(length, buf.capacity() * 2));
            length = key ? it.key(buf) : it.value(buf);
        }
        buf.position(0).limit(length);
        return buf;
    }

    private static boolean startsWith(java.nio.ByteBuffer key, byte[] prefix) {
        if (key.limit() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            scan(blocksCf, prefix, visitor);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void scanExtras(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try (RocksIterator it = db.newIterator(blocksCf)) {
            for (it.seek(from); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!InMemoryStateStore.startsWith(k, prefix) || !visitor.test(k, it.value())) {
                    return;
                }
            }
            checkIterator(it);
        } finally {
            lock.unlock();
        }
    }

    private void scan(ColumnFamilyHandle cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        try (RocksIterator it = db.newIterator(cf)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!InMemoryStateStore.startsWith(k, prefix)) {
                    return;
                }
                visitor.accept(k, it.value());
            }
            checkIterator(it);
        }
    }

    @Override
    public byte[] getExtra(byte[] key) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            return dbGet(blocksCf, key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StateProof getWithProof(byte[] key, long version) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            byte[] root = rootAt(version);
            StateProof proof;
            try {
                proof = Proofs.prove(reader, key, version, root);
            } catch (RuntimeException e) {
                checkStillRetained(version);
                throw e;
            }
            checkStillRetained(version);
            return proof;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            InMemoryStateStore.checkChangeRange(fromExclusive, toInclusive, readableFrom, latestVersion);
            TreeSet<byte[]> out = new TreeSet<>(Arrays::compareUnsigned);
            if (toInclusive > fromExclusive) {
                try (RocksIterator it = db.newIterator(changesCf)) {
                    for (it.seek(Versions.longBE(Math.max(fromExclusive + 1, 0))); it.isValid(); it.next()) {
                        if (Versions.getLongBE(it.key(), 0) > toInclusive) {
                            break;
                        }
                        out.addAll(RecordCodec.decodeKeys(it.value()));
                    }
                    checkIterator(it);
                }
            }
            // Pruning may have removed change records while they were read.
            InMemoryStateStore.checkChangeRange(fromExclusive, toInclusive, readableFrom, latestVersion);
            return new ArrayList<>(out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long oldestRetainedVersion() {
        usable();
        return readableFrom;
    }

    /**
     * Throws if pruning passed {@code version} while it was being read. Reads at a version check it
     * is retained before reading and, since pruning runs alongside without blocking them, again
     * after: the oldest retained version advances before pruning deletes anything below it, so a
     * read that passes this check read nothing pruning removed.
     */
    private void checkStillRetained(long version) {
        Versions.checkReadable(version, readableFrom, latestVersion); // the committed range only grows: pruning is what can fail here
    }

    private byte[] dbGet(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StateException("state read failed: " + e.getMessage(), e);
        }
    }

    private static void checkIterator(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StateException("state read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Enters a call that uses RocksDB: holds the read side of the lifecycle lock (so close() waits
     * for calls in flight instead of freeing native handles under them) and checks the store is
     * usable. The caller unlocks.
     */
    /** {@link #enter()} once every pending commit is on disk: reads other than latest values see only durable state. */
    private java.util.concurrent.locks.Lock enterDurable() {
        usable();
        awaitInFlight();
        return enter();
    }

    private java.util.concurrent.locks.Lock enter() {
        java.util.concurrent.locks.Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            usable();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        return lock;
    }

    private void usable() {
        if (closed) {
            throw new StateException("the state store at " + dir + " is closed");
        }
        String f = failure;
        if (f != null) {
            throw new StateException(f);
        }
    }

    // ---------------------------------------------------------------- checkpoint

    /**
     * Writes a RocksDB hard-link checkpoint of the committed state to {@code target} (which must not
     * exist). It opens with {@link #open} as a complete store at the version committed when it was taken.
     */
    public void checkpoint(Path target) {
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            if (Files.exists(target)) {
                throw new StateException("checkpoint target " + target + " already exists");
            }
            // RocksDB creates only the last directory; open() creates the whole path, and so does this.
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                try {
                    Files.createDirectories(parent);
                } catch (IOException e) {
                    throw new StateException("checkpoint to " + target + " failed: cannot create " + parent + ": " + e.getMessage(), e);
                }
            }
            try (Checkpoint cp = Checkpoint.create(db)) {
                cp.createCheckpoint(target.toString());
            } catch (RocksDBException e) {
                throw new StateException("checkpoint to " + target + " failed: " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- pruning

    private void schedulePruning(long durableVersion) {
        if (pruner == null) {
            return;
        }
        long horizon = cfg.pruning().horizon(durableVersion);
        pruneTarget.accumulateAndGet(horizon, Math::max);
        if (pruneScheduled.compareAndSet(false, true)) {
            pruner.execute(this::runPruner);
        }
    }

    /** Runs until the pruned horizon has caught up with the target (pruner thread). */
    private void runPruner() {
        while (true) {
            long target = pruneTarget.get();
            if (target > prunedThrough && !closed && failure == null) {
                try {
                    pruneTo(target);
                    prunedThrough = target;
                } catch (RuntimeException | RocksDBException e) {
                    // Pruning is best effort and idempotent: the next commit retries it.
                    LOG.warn("pruning to version {} failed: {}", target, e.getMessage(), e);
                    pruneScheduled.set(false);
                    return;
                }
                continue;
            }
            pruneScheduled.set(false);
            if (pruneTarget.get() > prunedThrough && !closed && pruneScheduled.compareAndSet(false, true)) {
                continue;
            }
            return;
        }
    }

    /**
     * Removes everything no version ≥ {@code horizon} needs: nodes stale since ≤ horizon, value
     * entries hidden at the horizon (and deletions visible there), roots and change records below it.
     * The new oldest version is recorded first, so a crash halfway leaves a store that knows not
     * to offer the half-pruned versions.
     */
    private void pruneTo(long horizon) throws RocksDBException {
        long from = Math.max(prunedThrough, 0);
        // Recorded as what reads are offered from, never below it: a horizon under the first
        // commit (a chain starting above version 0) must not make a reopen offer versions before it.
        db.put(metaCf, pruneWrite, RecordCodec.META_OLDEST, Versions.longBE(Math.max(horizon, readableFrom)));
        WriteBatch wb = new WriteBatch();
        try {
            // Stale nodes: one record per version, listing the nodes that version made stale.
            try (RocksIterator it = db.newIterator(staleCf)) {
                for (it.seek(Versions.longBE(from)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    if (Versions.getLongBE(k, 0) > horizon) {
                        break;
                    }
                    for (byte[] nodeKey : RecordCodec.decodeKeys(it.value())) {
                        wb.delete(nodesCf, nodeKey);
                    }
                    wb.delete(staleCf, k);
                    if (wb.count() >= PRUNE_CHUNK) {
                        db.write(pruneWrite, wb);
                        wb.close();
                        wb = new WriteBatch();
                    }
                }
                it.status();
            }
            // Values: for each key written in [from, horizon], drop what the horizon hides.
            TreeSet<byte[]> touched = new TreeSet<>(Arrays::compareUnsigned);
            try (RocksIterator it = db.newIterator(changesCf)) {
                for (it.seek(Versions.longBE(from)); it.isValid(); it.next()) {
                    if (Versions.getLongBE(it.key(), 0) > horizon) {
                        break;
                    }
                    touched.addAll(RecordCodec.decodeKeys(it.value()));
                }
                it.status();
            }
            try (RocksIterator it = db.newIterator(versionsCf)) {
                for (byte[] key : touched) {
                    byte[] seek = RecordCodec.versionKey(KeyHash.of(key), horizon);
                    it.seek(seek);
                    boolean visible = true;
                    for (; it.isValid() && RecordCodec.sameHash(it.key(), seek); it.next()) {
                        if (!visible || RecordCodec.isDeletion(it.value())) {
                            wb.delete(versionsCf, it.key());
                        }
                        visible = false;
                    }
                    it.status();
                    if (wb.count() >= PRUNE_CHUNK) {
                        db.write(pruneWrite, wb);
                        wb.close();
                        wb = new WriteBatch();
                    }
                }
            }
            wb.deleteRange(changesCf, Versions.longBE(0), Versions.longBE(horizon));
            wb.deleteRange(metaCf, RecordCodec.rootKey(0), RecordCodec.rootKey(horizon));
            wb.put(metaCf, RecordCodec.META_PRUNED, Versions.longBE(horizon));
            db.write(pruneWrite, wb);
        } finally {
            wb.close();
        }
    }

    /** For tests: waits until background pruning has caught up with the latest commit. */
    public void awaitPruning() {
        if (pruner == null || closed) {
            return;
        }
        try {
            pruner.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while waiting for pruning", e);
        } catch (ExecutionException e) {
            throw new StateException("pruning failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Waits (up to {@code maxMillis}) until RocksDB has no flush or compaction running or pending:
     * for benchmarks that should not charge one phase with the background work of the one before.
     * Returns whether it got there.
     */
    public boolean awaitBackgroundWork(long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        java.util.concurrent.locks.Lock lock = enterDurable();
        try {
            while (true) {
                long busy = db.getLongProperty("rocksdb.num-running-compactions")
                        + db.getLongProperty("rocksdb.num-running-flushes");
                for (ColumnFamilyHandle cf : handles) {
                    busy += db.getLongProperty(cf, "rocksdb.compaction-pending") + db.getLongProperty(cf, "rocksdb.mem-table-flush-pending");
                }
                if (busy == 0) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
        } catch (RocksDBException e) {
            throw new StateException("cannot read RocksDB's background state: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** For tests: every node key in the {@code nodes} column family, in byte order. */
    List<NodeKey> storedNodeKeys() {
        List<NodeKey> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(nodesCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(NodeKey.decode(it.key()));
            }
            checkIterator(it);
        }
        return out;
    }

    /** For tests: the node under {@code key} (cache or disk), or null. */
    Node loadNode(NodeKey key) {
        return reader.getNode(key);
    }

    /** For tests: the number of records in column family {@code family}. */
    long countRecords(String family) {
        ColumnFamilyHandle cf = handles.get(FAMILIES.indexOf(family));
        long n = 0;
        try (RocksIterator it = db.newIterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
            checkIterator(it);
        }
        return n;
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        synchronized (commitLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly();
    }

    private void closeQuietly() {
        closed = true;
        encoder.shutdown();
        // Commits handed to the writer are written before the database closes. The writer goes
        // first: after each write it schedules pruning, which a pruner already shut down would
        // refuse, failing a commit that is on disk.
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                LOG.error("the state writer did not finish its pending commits within 5 minutes; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pruner != null) {
            pruner.shutdown();
            try {
                pruner.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Calls in flight hold the read side; new ones see `closed` and refuse.
        lifecycle.writeLock().lock();
        try {
            commitWrite.close();
            pruneWrite.close();
            closeAll(db, handles, dbOptions, cfOptions, blockCache);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeAll(RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbo,
                                 List<ColumnFamilyOptions> cfOpts, LRUCache cache) {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("closing the state store: {}", e.getMessage());
            }
        }
        dbo.close();
        for (ColumnFamilyOptions o : cfOpts) {
            o.close();
        }
        cache.close();
    }

    private Node decode(NodeKey key, byte[] bytes) {
        try {
            return NodeCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new StateException("the state at " + dir + " is corrupt: node " + key + " does not decode: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Where a commit's tree reads come from (committing thread only): the caches, unless the tree
     * runs linked (then the caches stay empty and what is loaded is only handed to the tree, which
     * links it), and RocksDB in multi-gets.
     */
    private final class CommitSource implements TreePrefetcher.Source {
        private final boolean linked;

        CommitSource(boolean linked) {
            this.linked = linked;
        }

        @Override
        public Node cached(NodeKey key) {
            if (linked) {
                return null;
            }
            Node n = nodeCache.get(key);
            return n != null ? n : leafCache.get(key);
        }

        @Override
        public List<Node> load(List<NodeKey> keys) {
            List<byte[]> encoded = new ArrayList<>(keys.size());
            for (NodeKey k : keys) {
                encoded.add(k.encode());
            }
            nodesLoaded += keys.size();
            List<byte[]> values;
            try {
                values = db.multiGetAsList(Collections.nCopies(keys.size(), nodesCf), encoded);
            } catch (RocksDBException e) {
                throw new StateException("state read failed: " + e.getMessage(), e);
            }
            List<Node> out = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] v = values.get(i);
                Node n = v == null ? null : decode(keys.get(i), v);
                if (!linked) {
                    if (n instanceof LeafNode leaf) {
                        leafCache.put(keys.get(i), leaf);
                    } else if (n != null) {
                        nodeCache.offer(keys.get(i), n);
                    }
                }
                out.add(n);
            }
            return out;
        }
    }

    /**
     * The tree's view during one commit (committing thread only): prefetched nodes, then the
     * caches (including the committer's leaf cache), then RocksDB, counting what it had to load.
     */
    private final class CommitReader implements TreeReader {
        java.util.Map<NodeKey, Node> prefetched = java.util.Map.of();
        boolean resident;
        /** Nodes the tree needed that were neither linked nor cached (prefetched or loaded). */
        long misses;
        private CommitSource source;

        CommitSource source() {
            if (source == null) {
                source = new CommitSource(resident);
            }
            return source;
        }

        /**
         * When the whole latest tree fits the node budget, let the tree link parents to children:
         * later commits then walk object links instead of looking every node up. The links only
         * ever reach nodes of the latest tree (replaced nodes drop out with their parents), so
         * memory stays about one tree; a tree larger than the budget gets no new links.
         */
        @Override
        public boolean nodesStayResident() {
            return resident;
        }

        @Override
        public Node getNode(NodeKey key) {
            if (latestRootNode != null && key.path().length() == 0 && key.version() == latestVersion) {
                return latestRootNode; // the object the last commit built, with its links
            }
            Node n = prefetched.get(key);
            if (n != null) {
                misses++;
                return n;
            }
            n = source().cached(key);
            if (n == null) {
                misses++;
                n = source().load(List.of(key)).get(0);
            }
            return n;
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return valueAt(keyHash, maxVersion);
        }
    }

    /** The tree's view of this store: nodes through the cache, values by key hash from {@code versions}. */
    private final class Reader implements TreeReader, PreimageReader {
        @Override
        public Node getNode(NodeKey key) {
            Node n = nodeCache.get(key);
            if (n != null) {
                return n;
            }
            byte[] bytes = dbGet(nodesCf, key.encode());
            if (bytes == null) {
                return null;
            }
            return decode(key, bytes);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return valueAt(keyHash, maxVersion);
        }

        @Override
        public byte[] preimage(KeyHash keyHash) {
            byte[] seek = RecordCodec.versionKey(keyHash, -1L);
            try (RocksIterator it = db.newIterator(versionsCf)) {
                it.seek(seek);
                if (it.isValid() && RecordCodec.sameHash(it.key(), seek)) {
                    return RecordCodec.rawKeyOf(it.value());
                }
                checkIterator(it);
                return null;
            }
        }
    }
}
