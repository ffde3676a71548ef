package io.dexnode.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-block commit: computes the version's tree in memory and writes, in one atomic
 * {@link WriteBatch}, each changed key's latest value (one record per key), the version's change
 * log (one record: what a restart re-applies), the caller's extras, the root and the latest
 * version. Tree nodes are not part of it: {@link TreePersister} writes them in the background.
 *
 * <p>The tree is computed on the caller's thread while a helper thread encodes the value records;
 * the write goes to a writer thread, so that a pipelined commit returns with its root while
 * RocksDB writes, and the next version's tree overlaps this one's write.
 *
 * <p>Invariants: what is on disk is always a whole number of commits, in version order; a commit
 * is durable (fsynced when the store fsyncs) before its {@link PendingCommit#durable()} completes;
 * until then its latest values are served from memory to the committing thread's reads, and every
 * other read waits for it; a failed write fails every later pending one and the store. One thread
 * commits at a time.
 */
final class CommitPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(CommitPipeline.class);
    /** Commits handed to the writer at most at once; the next waits for the oldest. */
    private static final int MAX_IN_FLIGHT = 2;

    private final StateDirectory disk;
    private final StoreGuard guard;
    private final LatestTree tree;
    private final AtomicReference<ChangeWindow> window;
    private final StoreSeams seams;
    private final WriteOptions commitWrite;
    private final Listener listener;
    /** Reused batch buffers: the root records (committer) and the value records (helper thread). */
    private final BatchBuilder rootRecords = new BatchBuilder(256);
    private final BatchBuilder valueRecords = new BatchBuilder(1 << 16);
    private final ExecutorService encoder = DaemonExecutors.single("state-encoder");
    private final ExecutorService writer = DaemonExecutors.single("state-writer");
    private final Object commitLock = new Object();
    private final Object inFlightLock = new Object();
    private final Object statsLock = new Object();
    /** Commits handed to the writer and not yet on disk, oldest first (replaced, never modified). */
    private volatile List<InFlight> inFlight = List.of();
    private volatile byte[] latestRoot;
    private volatile CommitStats stats = new CommitStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** What the pipeline tells the store as commits pass its stages. */
    interface Listener {
        /** Committer, after the version's tree is the latest (before its write is durable). */
        void committed(long version, int keyUpdates, CompletableFuture<Void> durable);

        /** Writer thread, once the version is on disk. */
        void durable(long version);
    }

    CommitPipeline(StateDirectory disk, StoreGuard guard, LatestTree tree, AtomicReference<ChangeWindow> window,
                   boolean fsync, StoreSeams seams, byte[] latestRoot, Listener listener) {
        this.disk = disk;
        this.guard = guard;
        this.tree = tree;
        this.window = window;
        this.seams = seams;
        this.commitWrite = new WriteOptions().setSync(fsync);
        this.latestRoot = latestRoot;
        this.listener = listener;
    }

    /** The lock commits hold; whoever holds it may change the latest tree. */
    Object commitLock() {
        return commitLock;
    }

    byte[] latestRoot() {
        return latestRoot;
    }

    PendingCommit commit(long version, WriteSet writes, WriteSet extras) {
        if (writes == null) {
            throw new IllegalArgumentException("commit needs a write set (it may be empty)");
        }
        synchronized (commitLock) {
            guard.usable();
            Versions.checkNext(version, tree.version());
            long t0 = System.nanoTime();
            long loadedBefore = tree.nodesLoaded();
            TreeCommit.Hashed hashed = TreeCommit.hash(writes);
            // The value records do not depend on the tree: encode them on the helper thread meanwhile.
            Future<BatchBuilder> values = encoder.submit(() -> encodeValues(version, hashed, extras));
            TreeCommit.Prepared p;
            try {
                p = tree.prepare(version, hashed);
            } catch (RuntimeException e) {
                awaitQuietly(values);
                throw e;
            }
            long t1 = System.nanoTime();
            BatchBuilder valueParts = await(values);
            BatchBuilder roots = rootRecords;
            roots.clear();
            roots.put(disk.metaId, RecordCodec.rootKey(version), p.root());
            roots.put(disk.metaId, RecordCodec.META_LATEST, Versions.longBE(version));
            byte[] data = BatchBuilder.join(valueParts, roots);
            int records = valueParts.count() + roots.count();
            InFlight flight = new InFlight(version, hashed.keys(), hashed.values(), new CompletableFuture<>());
            long t2 = System.nanoTime();
            addStats(1, hashed.keys().length, tree.nodesLoaded() - loadedBefore, tree.lastPrefetchNanos(),
                    t1 - t0 - tree.lastPrefetchNanos(), t2 - t1, 0, data.length, records);
            // Bounded: with MAX_IN_FLIGHT writes queued, wait for the oldest (memory stays a few batches).
            List<InFlight> queued = inFlight;
            if (queued.size() >= MAX_IN_FLIGHT) {
                queued.get(queued.size() - MAX_IN_FLIGHT).awaitDurable();
            }
            // Everything a reader of this version needs is in place before the version becomes
            // visible (tree.apply): its values in the window, its write in the in-flight list (so
            // durable reads wait for it).
            window.updateAndGet(w -> w.plus(VersionChanges.of(version, p.root(), hashed)));
            synchronized (inFlightLock) {
                List<InFlight> now = new ArrayList<>(inFlight);
                now.add(flight);
                inFlight = List.copyOf(now);
            }
            try {
                tree.apply(p, version);
            } catch (RuntimeException | Error e) {
                // The tree did not follow the version: refuse further use, and never write it.
                String failure = guard.fail("the tree of version " + version + " could not be kept in memory (" + e + ")");
                synchronized (inFlightLock) {
                    List<InFlight> now = new ArrayList<>(inFlight);
                    now.remove(flight);
                    inFlight = List.copyOf(now);
                }
                flight.durable().completeExceptionally(new StateException(failure, e));
                throw e;
            }
            latestRoot = p.root();
            listener.committed(version, hashed.keys().length, flight.durable());
            // close() cannot run before the writer has the batch: it takes the commit lock held here.
            writer.execute(() -> write(flight, data));
            return new PendingCommit(version, p.root().clone(), flight.durable());
        }
    }

    /** Latest values, the change log and the extras of one commit (helper thread). */
    private BatchBuilder encodeValues(long version, TreeCommit.Hashed h, WriteSet extras) {
        byte[][] keys = h.keys();
        byte[][] values = h.values();
        BatchBuilder bb = valueRecords;
        bb.clear();
        // Records go in key order within each column family: RocksDB inserts a sorted run into its
        // memtable about twice as fast as the same keys in random order. Raw keys arrive sorted.
        for (int i = 0; i < keys.length; i++) {
            if (values[i] == null) {
                bb.delete(disk.latestId, keys[i]);
            } else {
                bb.put(disk.latestId, keys[i], values[i]);
            }
        }
        if (keys.length > 0) {
            bb.putChanges(disk.changesId, Versions.longBE(version), keys, values);
        }
        if (extras != null) {
            extras.forEach((k, v) -> {
                if (v == null) {
                    bb.delete(disk.blocksId, k);
                } else {
                    bb.put(disk.blocksId, k, v);
                }
            });
        }
        return bb;
    }

    /** A commit handed to the writer: its latest values stay readable here until they are on disk. */
    private record InFlight(long version, byte[][] keys, byte[][] values, CompletableFuture<Void> durable) {
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
    private void write(InFlight flight, byte[] data) {
        try (WriteBatch wb = new WriteBatch(data)) {
            String f = guard.failure();
            if (f != null) {
                throw new StateException(f);
            }
            long t = System.nanoTime();
            try {
                seams.beforeCommitWrite(flight.version());
                disk.db.write(commitWrite, wb);
            } catch (Exception e) {
                String failure = guard.fail("the commit of version " + flight.version() + " failed (" + e.getMessage() + ")");
                LOG.error("state store failed: {}", failure, e);
                throw new StateException(failure, e);
            }
            addStats(0, 0, 0, 0, 0, 0, System.nanoTime() - t, 0, 0);
            synchronized (inFlightLock) {
                List<InFlight> now = new ArrayList<>(inFlight);
                now.remove(flight);
                inFlight = List.copyOf(now);
            }
            listener.durable(flight.version());
            flight.durable().complete(null);
        } catch (Throwable e) {
            String failure = guard.fail("the commit of version " + flight.version() + " failed (" + e + ")");
            flight.durable().completeExceptionally(e instanceof StateException ? e : new StateException(failure, e));
        }
    }

    /** The latest value of {@code key} if a commit not yet on disk wrote it: the value (null = deleted), else {@code notWritten}. */
    byte[] pendingValue(byte[] key, byte[] notWritten) {
        List<InFlight> pending = inFlight;
        for (int i = pending.size() - 1; i >= 0; i--) {
            InFlight f = pending.get(i);
            int at = f.find(key);
            if (at >= 0) {
                byte[] v = f.values()[at];
                return v == null ? null : v.clone();
            }
        }
        return notWritten;
    }

    /** Waits until every commit handed to the writer is on disk (or throws its failure). */
    void awaitInFlight() {
        List<InFlight> pending = inFlight;
        if (!pending.isEmpty()) {
            pending.get(pending.size() - 1).awaitDurable();
        }
    }

    /** The durable future of the latest commit (completed when nothing is in flight). */
    CompletableFuture<Void> latestDurable() {
        List<InFlight> pending = inFlight;
        return pending.isEmpty() ? CompletableFuture.completedFuture(null) : pending.get(pending.size() - 1).durable();
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

    CommitStats stats() {
        return stats;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while encoding a commit", e);
        } catch (ExecutionException e) {
            throw new StateException("encoding a commit failed: " + e.getCause(), e.getCause());
        }
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the caller reports its own failure
        }
    }

    /**
     * Stops taking commits: the ones handed to the writer are written first. The writer goes
     * before anything it calls back into is shut (its listener schedules pruning).
     */
    void shutdown() {
        encoder.shutdown();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.error("the state writer did not finish its pending commits within 5 minutes; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void close() {
        commitWrite.close();
    }
}
