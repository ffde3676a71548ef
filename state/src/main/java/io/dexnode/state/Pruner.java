package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, on the store's background thread, what no retained version needs, as
 * {@link PruningConfig} says; the latest state is never touched. Readers are told first: the new
 * oldest readable version is recorded (and published) before anything below it is deleted.
 *
 * <p>What a retained version v ≥ horizon needs, and so what stays: the newest persisted tree at
 * or below the horizon (the <em>base</em>: proofs at versions without a persisted tree are
 * recomputed from it) and every later one; the value history as of the horizon (or of the newest
 * persisted tree, when that is older: the history reaches only that far); the change logs after
 * the base (re-applied to recompute trees, and by a restart) and from the oldest readable version
 * (changed keys); the roots from the newest persisted tree on (a restart checks the later ones,
 * {@code state verify} the tree's own) and from the oldest readable version. Every pass is
 * idempotent: a crash halfway leaves a store the next pass finishes. A pass that fails (RocksDB's
 * I/O) fails the store.
 */
final class Pruner {
    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
    private static final int PRUNE_CHUNK = 20_000;

    private final StateDirectory disk;
    private final StoreGuard guard;
    private final PruningConfig pruning;
    private final PersistedTrees trees;
    private final ExecutorService background;
    private final ReadableRange readable;
    private final WriteOptions pruneWrite = new WriteOptions().setSync(false);
    private final AtomicLong target = new AtomicLong(StateStore.NO_VERSION);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Value history pruned through this version (background thread only). */
    private long historyPrunedThrough;
    /** Stale-node records processed through this tree version (background thread only). */
    private long nodesPrunedThrough = StateStore.NO_VERSION;

    /** The readable range the pruner moves up: reads refuse versions below {@link #from()}. */
    interface ReadableRange {
        long from();

        void raiseTo(long version);
    }

    Pruner(StateDirectory disk, StoreGuard guard, PruningConfig pruning, PersistedTrees trees, ExecutorService background,
           ReadableRange readable, long historyPrunedThrough) {
        this.disk = disk;
        this.guard = guard;
        this.pruning = pruning;
        this.trees = trees;
        this.background = background;
        this.readable = readable;
        this.historyPrunedThrough = historyPrunedThrough;
    }

    /** Asks for a pass once {@code durableVersion} is the latest durable version (any thread). */
    void schedule(long durableVersion) {
        if (pruning.mode() != PruningMode.KEEP_LAST) {
            return;
        }
        target.accumulateAndGet(pruning.horizon(durableVersion), Math::max);
        if (scheduled.compareAndSet(false, true)) {
            background.execute(this::run);
        }
    }

    /** Asks for a pass at the horizon already asked for (after a persist moved the base). */
    void reschedule() {
        if (pruning.mode() == PruningMode.KEEP_LAST && scheduled.compareAndSet(false, true)) {
            background.execute(this::run);
        }
    }

    /** Runs until the pruned horizon has caught up with the target (background thread). */
    private void run() {
        scheduled.set(false);
        long horizon = target.get();
        if (horizon == StateStore.NO_VERSION || guard.isClosed() || guard.failure() != null) {
            return;
        }
        try {
            pruneTo(horizon);
        } catch (RuntimeException e) {
            if (guard.isClosed()) {
                return; // closed under the pass: the next open prunes again (every pass is idempotent)
            }
            // A pass only reads and writes RocksDB: its failure is the store's I/O failing.
            String f = guard.fail("pruning to version " + horizon + " failed (" + e + ")");
            LOG.error("state store failed: {}", f, e);
        }
    }

    private void pruneTo(long horizon) {
        // Recorded as what reads are offered from, never below it: a horizon under the first
        // commit (a chain starting above version 0) must not make a reopen offer versions before it.
        long readableFrom = Math.max(horizon, readable.from());
        disk.put(disk.meta, RecordCodec.META_OLDEST, Versions.longBE(readableFrom));
        readable.raiseTo(readableFrom);
        long base = trees.floor(horizon);
        long newestTree = trees.newest();
        long historyHorizon = Math.min(horizon, newestTree);
        WriteBatch wb = new WriteBatch();
        try {
            boolean nodesToo = base != StateStore.NO_VERSION && base > nodesPrunedThrough;
            if (nodesToo) {
                wb = pruneNodes(base, wb);
            }
            if (historyHorizon > historyPrunedThrough) {
                wb = pruneHistory(historyHorizon, wb);
                wb.put(disk.meta, RecordCodec.META_PRUNED, Versions.longBE(historyHorizon));
            }
            long changesFrom = Math.min(readableFrom, base + 1);
            if (changesFrom > 0) {
                wb.deleteRange(disk.changes, Versions.longBE(0), Versions.longBE(changesFrom));
            }
            long rootsFrom = Math.min(readableFrom, newestTree);
            if (rootsFrom > 0) {
                wb.deleteRange(disk.meta, RecordCodec.rootKey(0), RecordCodec.rootKey(rootsFrom));
            }
            disk.write(pruneWrite, wb, "pruning");
            if (nodesToo) {
                nodesPrunedThrough = base;
            }
            if (historyHorizon > historyPrunedThrough) {
                historyPrunedThrough = historyHorizon;
            }
        } catch (org.rocksdb.RocksDBException e) {
            throw new StateException("pruning failed: " + e.getMessage(), e);
        } finally {
            wb.close();
        }
    }

    /** Deletes the nodes the stale records up to tree {@code base} name, those records, and the older trees' markers. */
    private WriteBatch pruneNodes(long base, WriteBatch wb) throws org.rocksdb.RocksDBException {
        try (RocksIterator it = disk.iterator(disk.stale)) {
            for (it.seek(Versions.longBE(Math.max(nodesPrunedThrough + 1, 0))); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (Versions.getLongBE(k, 0) > base) {
                    break;
                }
                for (byte[] nodeKey : RecordCodec.decodeKeys(it.value())) {
                    wb.delete(disk.nodes, nodeKey);
                }
                wb.delete(disk.stale, k);
                wb = flushIfFull(wb);
            }
            StateDirectory.check(it);
        }
        if (base > 0) {
            wb.deleteRange(disk.meta, RecordCodec.treeKey(0), RecordCodec.treeKey(base));
        }
        trees.dropBelow(base);
        return wb;
    }

    /** For each key written in (pruned, horizon], drops the history entries the horizon hides. */
    private WriteBatch pruneHistory(long horizon, WriteBatch wb) throws org.rocksdb.RocksDBException {
        TreeSet<byte[]> touched = new TreeSet<>(Arrays::compareUnsigned);
        try (RocksIterator it = disk.iterator(disk.changes)) {
            for (it.seek(Versions.longBE(Math.max(historyPrunedThrough + 1, 0))); it.isValid(); it.next()) {
                if (Versions.getLongBE(it.key(), 0) > horizon) {
                    break;
                }
                touched.addAll(RecordCodec.decodeChangedKeys(it.value()));
            }
            StateDirectory.check(it);
        }
        try (RocksIterator it = disk.iterator(disk.versions)) {
            for (byte[] key : touched) {
                byte[] seek = RecordCodec.versionKey(KeyHash.of(key), horizon);
                it.seek(seek);
                boolean visible = true;
                for (; it.isValid() && RecordCodec.sameHash(it.key(), seek); it.next()) {
                    if (!visible || RecordCodec.isDeletion(it.value())) {
                        wb.delete(disk.versions, it.key());
                    }
                    visible = false;
                }
                StateDirectory.check(it);
                wb = flushIfFull(wb);
            }
        }
        return wb;
    }

    private WriteBatch flushIfFull(WriteBatch wb) {
        if (wb.count() < PRUNE_CHUNK) {
            return wb;
        }
        disk.write(pruneWrite, wb, "pruning");
        wb.close();
        return new WriteBatch();
    }

    void close() {
        pruneWrite.close();
    }
}
