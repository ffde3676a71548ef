package io.dexnode.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;

/**
 * The store's pinned views of the latest values ({@link StateStore#durableView()}): each one a
 * RocksDB snapshot, taken between commits once every commit is on disk, read under the store's
 * lifecycle lock like every other read.
 *
 * <p>Invariant: every snapshot taken is released exactly once — by its view's {@code close} or,
 * for a view still open when the store closes, by {@link #releaseAll} before RocksDB's handles are
 * freed; a view's reads after that fail as the closed store's would.
 */
final class PinnedViews {
    private final StateDirectory disk;
    private final StoreGuard guard;
    /** The views not yet released (guarded by this). */
    private final List<View> open = new ArrayList<>();

    PinnedViews(StateDirectory disk, StoreGuard guard) {
        this.disk = disk;
        this.guard = guard;
    }

    /**
     * A view of the latest values as they are now, stamped {@code version}. The caller holds the
     * lifecycle lock and makes sure no commit is in flight or under way (so the latest values on
     * disk are exactly {@code version}'s).
     */
    StateStore.DurableView pin(long version) {
        View view = new View(version, disk.db.getSnapshot());
        synchronized (this) {
            open.add(view);
        }
        return view;
    }

    /** Releases the snapshot of every view still open; the store's close, with no read in flight. */
    void releaseAll() {
        List<View> left;
        synchronized (this) {
            left = List.copyOf(open);
        }
        for (View v : left) {
            v.release();
        }
    }

    /**
     * One pinned view. Its reads and its close are synchronized on it, so the snapshot is never
     * released under a read of its own; a read also holds the store's lifecycle lock, so the
     * store's close never frees RocksDB under it either.
     */
    private final class View implements StateStore.DurableView {
        private final long version;
        private final Snapshot snapshot;
        private final ReadOptions point;
        private final ReadOptions bulk;
        private boolean closed;

        View(long version, Snapshot snapshot) {
            this.version = version;
            this.snapshot = snapshot;
            this.point = new ReadOptions().setSnapshot(snapshot);
            // A bulk scan reads each block once: not into the block cache (as StateReader's scans).
            this.bulk = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public synchronized byte[] get(byte[] key) {
            Lock lock = enter();
            try {
                return disk.db.get(disk.latest, point, key);
            } catch (RocksDBException e) {
                throw new StateException("state read failed: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public synchronized void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
            Lock lock = enter();
            try {
                StateReader.scanLocked(disk, prefix, key -> StateReader.startsWith(key, prefix), visitor, bulk);
            } finally {
                lock.unlock();
            }
        }

        private Lock enter() {
            if (closed) {
                throw new StateException("the pinned view of version " + version + " is closed");
            }
            return guard.enter();
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            Lock lock;
            try {
                lock = guard.enter();
            } catch (StateException closedOrFailed) {
                return; // the store's close releases it (releaseAll)
            }
            try {
                release();
            } finally {
                lock.unlock();
            }
        }

        /** Frees the snapshot, once; the caller holds the lifecycle lock (or is the store's close). */
        void release() {
            synchronized (PinnedViews.this) {
                if (!open.remove(this)) {
                    return;
                }
            }
            disk.db.releaseSnapshot(snapshot);
            point.close();
            bulk.close();
        }
    }
}
