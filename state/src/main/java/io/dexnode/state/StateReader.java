package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Every read of the durable store except proofs: latest values (with the committing thread's
 * own pending writes), values at a version, prefix scans, extras, roots and changed keys.
 *
 * <p>Where a value at a version comes from: a version not yet in the on-disk value history is
 * in the {@link ChangeWindow} (in memory); older ones are one seek into the history. Reads at a
 * version check it is retained before reading and, since pruning runs alongside without blocking
 * them, again after: the oldest retained version advances before pruning deletes anything below
 * it, so a read that passes the second check read nothing pruning removed.
 */
final class StateReader {
    private final StateDirectory disk;
    private final StoreGuard guard;
    private final CommitPipeline pipeline;
    private final LatestTree tree;
    private final AtomicReference<ChangeWindow> window;
    private final Pruner.ReadableRange readable;

    StateReader(StateDirectory disk, StoreGuard guard, CommitPipeline pipeline, LatestTree tree,
                AtomicReference<ChangeWindow> window, Pruner.ReadableRange readable) {
        this.disk = disk;
        this.guard = guard;
        this.pipeline = pipeline;
        this.tree = tree;
        this.window = window;
        this.readable = readable;
    }

    /** {@link StoreGuard#enter()} once every pending commit is on disk: reads other than latest values see only durable state. */
    Lock enterDurable() {
        guard.usable();
        pipeline.awaitInFlight();
        return guard.enter();
    }

    /** Waits until every commit made so far is on disk (or throws its failure). */
    void awaitDurable() {
        pipeline.awaitInFlight();
    }

    long latestVersion() {
        guard.usable();
        return tree.version();
    }

    byte[] latestRoot() {
        guard.usable();
        return pipeline.latestRoot().clone();
    }

    long oldestRetainedVersion() {
        guard.usable();
        return readable.from();
    }

    /** Throws unless {@code version} is committed and retained (the committed range only grows: pruning is what can fail). */
    void checkRetained(long version) {
        Versions.checkReadable(version, readable.from(), tree.version());
    }

    byte[] rootAt(long version) {
        Lock lock = enterDurable();
        try {
            checkRetained(version);
            byte[] root = disk.get(disk.meta, RecordCodec.rootKey(version));
            checkRetained(version);
            if (root == null) {
                throw new StateException("version " + version + " is not committed (no root)");
            }
            return root;
        } finally {
            lock.unlock();
        }
    }

    byte[] get(byte[] key) {
        Lock lock = guard.enter();
        try {
            // A commit not yet on disk holds the latest value of what it wrote (newest first).
            byte[] pending = pipeline.pendingValue(key, VersionChanges.NOT_WRITTEN);
            if (pending != VersionChanges.NOT_WRITTEN) {
                return pending;
            }
            return disk.get(disk.latest, key);
        } finally {
            lock.unlock();
        }
    }

    byte[] getDurable(byte[] key) {
        Lock lock = enterDurable();
        try {
            return disk.get(disk.latest, key);
        } finally {
            lock.unlock();
        }
    }

    byte[] get(byte[] key, long version) {
        Lock lock = enterDurable();
        try {
            checkRetained(version);
            // A pipelined commit of {@code version} made since entering may still be in flight: its
            // value is served once durable, like every other read's.
            awaitDurable();
            ChangeWindow w = window.get();
            byte[] value = w.valueAt(key, version);
            if (value == VersionChanges.NOT_WRITTEN) {
                value = historyAt(KeyHash.of(key), version);
            } else if (value != null) {
                value = value.clone();
            }
            checkRetained(version);
            return value;
        } finally {
            lock.unlock();
        }
    }

    /** The value of {@code keyHash} as of {@code version}: the window, else the on-disk history. For the tree's readers. */
    byte[] valueAt(KeyHash keyHash, long version) {
        byte[] value = window.get().valueAt(keyHash, version);
        return value != VersionChanges.NOT_WRITTEN ? value : historyAt(keyHash, version);
    }

    /** The raw key of {@code keyHash}: the window, else the on-disk history, else null. */
    byte[] preimage(KeyHash keyHash) {
        byte[] k = window.get().preimage(keyHash);
        if (k != null) {
            return k;
        }
        byte[] seek = RecordCodec.versionKey(keyHash, -1L);
        try (RocksIterator it = disk.iterator(disk.versions)) {
            it.seek(seek);
            if (it.isValid() && RecordCodec.sameHash(it.key(), seek)) {
                return RecordCodec.rawKeyOf(it.value());
            }
            StateDirectory.check(it);
            return null;
        }
    }

    private byte[] historyAt(KeyHash kh, long version) {
        byte[] seek = RecordCodec.versionKey(kh, version);
        try (RocksIterator it = disk.iterator(disk.versions)) {
            it.seek(seek);
            if (it.isValid() && RecordCodec.sameHash(it.key(), seek)) {
                return RecordCodec.valueOf(it.value());
            }
            StateDirectory.check(it);
            return null;
        }
    }

    List<byte[]> multiGet(List<byte[]> keys) {
        Lock lock = enterDurable();
        try {
            return new ArrayList<>(disk.multiGet(disk.latest, keys));
        } finally {
            lock.unlock();
        }
    }

    void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        Lock lock = enterDurable();
        try {
            scan(disk.latest, prefix, visitor);
        } finally {
            lock.unlock();
        }
    }

    void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        scanInPlace(prefix, key -> startsWith(key, prefix), visitor);
    }

    void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        scanInPlace(from, key -> below(key, to), visitor);
    }

    /** Visits the latest entries from {@code from} on while {@code within} holds for their keys. */
    private void scanInPlace(byte[] from, java.util.function.Predicate<ByteBuffer> within,
                             BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        Lock lock = enterDurable();
        // A bulk scan reads each block once: inserting them all into the block cache would cost
        // more than it saves (a third of a pass over millions of records) and evict the hot set.
        try (ReadOptions bulk = new ReadOptions().setFillCache(false)) {
            scanLocked(disk, from, within, visitor, bulk);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Visits the latest entries from {@code from} on while {@code within} holds for their keys, as
     * {@code options} read them (e.g. at a snapshot); the caller holds the lifecycle lock.
     */
    static void scanLocked(StateDirectory disk, byte[] from, java.util.function.Predicate<ByteBuffer> within,
                           BiConsumer<ByteBuffer, ByteBuffer> visitor, ReadOptions options) {
        // Direct buffers reused across entries: the iterator copies each key and value into them
        // without allocating a Java array per entry.
        ByteBuffer key = ByteBuffer.allocateDirect(64);
        ByteBuffer value = ByteBuffer.allocateDirect(1024);
        try (RocksIterator it = disk.iterator(disk.latest, options)) {
            for (it.seek(from); it.isValid(); it.next()) {
                key = readInto(key, it, true);
                if (!within.test(key)) {
                    return;
                }
                value = readInto(value, it, false);
                visitor.accept(key, value);
            }
            StateDirectory.check(it);
        }
    }

    /**
     * A pinned view of the latest values (see {@link StateStore#durableView()}): taken holding the
     * commit lock once nothing is in flight, so the latest values on disk are exactly the latest
     * version's.
     */
    StateStore.DurableView durableView(PinnedViews views) {
        synchronized (pipeline.commitLock()) {
            Lock lock = enterDurable();
            try {
                return views.pin(tree.version());
            } finally {
                lock.unlock();
            }
        }
    }

    /** Copies the iterator's current key or value into {@code buf} (grown when too small); position 0, limit its length. */
    private static ByteBuffer readInto(ByteBuffer buf, RocksIterator it, boolean key) {
        buf.clear();
        int length = key ? it.key(buf) : it.value(buf);
        if (length > buf.capacity()) {
            buf = ByteBuffer.allocateDirect(Math.max(length, buf.capacity() * 2));
            length = key ? it.key(buf) : it.value(buf);
        }
        buf.position(0).limit(length);
        return buf;
    }

    static boolean startsWith(ByteBuffer key, byte[] prefix) {
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

    /** Whether {@code key} sorts before {@code bound}, comparing unsigned bytes as RocksDB does. */
    private static boolean below(ByteBuffer key, byte[] bound) {
        int n = Math.min(key.limit(), bound.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(key.get(i) & 0xff, bound[i] & 0xff);
            if (c != 0) {
                return c < 0;
            }
        }
        return key.limit() < bound.length;
    }

    void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        Lock lock = enterDurable();
        try {
            scan(disk.blocks, prefix, visitor);
        } finally {
            lock.unlock();
        }
    }

    /** The extras from {@code from} on while they start with {@code prefix} and the visitor says go on: one seek. */
    void scanExtras(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
        Lock lock = enterDurable();
        try (RocksIterator it = disk.iterator(disk.blocks)) {
            for (it.seek(from); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!InMemoryStateStore.startsWith(k, prefix) || !visitor.test(k, it.value())) {
                    return;
                }
            }
            StateDirectory.check(it);
        } finally {
            lock.unlock();
        }
    }

    private void scan(ColumnFamilyHandle cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        try (RocksIterator it = disk.iterator(cf)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!InMemoryStateStore.startsWith(k, prefix)) {
                    return;
                }
                visitor.accept(k, it.value());
            }
            StateDirectory.check(it);
        }
    }

    byte[] getExtra(byte[] key) {
        Lock lock = enterDurable();
        try {
            return disk.get(disk.blocks, key);
        } finally {
            lock.unlock();
        }
    }

    List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        Lock lock = enterDurable();
        try {
            InMemoryStateStore.checkChangeRange(fromExclusive, toInclusive, readable.from(), tree.version());
            TreeSet<byte[]> out = new TreeSet<>(Arrays::compareUnsigned);
            if (toInclusive > fromExclusive) {
                try (RocksIterator it = disk.iterator(disk.changes)) {
                    for (it.seek(Versions.longBE(Math.max(fromExclusive + 1, 0))); it.isValid(); it.next()) {
                        if (Versions.getLongBE(it.key(), 0) > toInclusive) {
                            break;
                        }
                        out.addAll(RecordCodec.decodeChangedKeys(it.value()));
                    }
                    StateDirectory.check(it);
                }
            }
            // Pruning may have removed change records while they were read.
            InMemoryStateStore.checkChangeRange(fromExclusive, toInclusive, readable.from(), tree.version());
            return new ArrayList<>(out);
        } finally {
            lock.unlock();
        }
    }
}
