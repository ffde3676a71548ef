package io.dexnode.node.cluster;

import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateManager;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A replica's state store, which a snapshot received from the leader replaces whole: every call
 * goes to the current {@link StateManager} under a read lock, and {@link #replace} swaps it under
 * the write lock, so a reader sees the old store or the new one, never a closed one.
 */
public final class ReplaceableStore implements StateStore {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile StateManager current;

    public ReplaceableStore(StateManager initial) {
        this.current = initial;
    }

    /** The store in use (for checkpoints and statistics; do not keep it across a replacement). */
    public StateManager current() {
        return current;
    }

    /**
     * Closes the current store, runs {@code reopen} (which may move directories and opens the new
     * store), and serves from its result; readers wait meanwhile.
     */
    public void replace(Supplier<StateManager> reopen) {
        lock.writeLock().lock();
        try {
            current.close();
            current = reopen.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T read(Supplier<T> call) {
        lock.readLock().lock();
        try {
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long latestVersion() {
        return read(() -> current.latestVersion());
    }

    @Override
    public byte[] latestRoot() {
        return read(() -> current.latestRoot());
    }

    @Override
    public byte[] rootAt(long version) {
        return read(() -> current.rootAt(version));
    }

    @Override
    public byte[] commit(long version, WriteSet writes, WriteSet extras) {
        return read(() -> current.commit(version, writes, extras));
    }

    @Override
    public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
        return read(() -> current.commitPipelined(version, writes, extras));
    }

    @Override
    public byte[] get(byte[] key) {
        return read(() -> current.get(key));
    }

    @Override
    public byte[] getDurable(byte[] key) {
        return read(() -> current.getDurable(key));
    }

    @Override
    public byte[] get(byte[] key, long version) {
        return read(() -> current.get(key, version));
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        return read(() -> current.multiGet(keys));
    }

    @Override
    public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        read(() -> {
            current.scanPrefix(prefix, visitor);
            return null;
        });
    }

    @Override
    public DurableView durableView() {
        return read(() -> current.durableView());
    }

    @Override
    public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        read(() -> {
            current.scanPrefixInPlace(prefix, visitor);
            return null;
        });
    }

    @Override
    public void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        read(() -> {
            current.scanRangeInPlace(from, to, visitor);
            return null;
        });
    }

    @Override
    public StateProof getWithProof(byte[] key, long version) {
        return read(() -> current.getWithProof(key, version));
    }

    @Override
    public List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        return read(() -> current.changedKeys(fromExclusive, toInclusive));
    }

    @Override
    public byte[] getExtra(byte[] key) {
        return read(() -> current.getExtra(key));
    }

    @Override
    public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        read(() -> {
            current.scanExtras(prefix, visitor);
            return null;
        });
    }

    @Override
    public long oldestRetainedVersion() {
        return read(() -> current.oldestRetainedVersion());
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            current.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
