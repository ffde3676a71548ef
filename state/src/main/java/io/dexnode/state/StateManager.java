package io.dexnode.state;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The node's durable {@link StateStore}: the JMT and its values on embedded RocksDB. Work in progress.
 */
public final class StateManager implements StateStore {

    private StateManager() {}

    /** Opens (or creates) the state in {@code dir}. */
    public static StateManager open(Path dir, StateConfig cfg) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes a RocksDB hard-link checkpoint to {@code dir} (which must not exist); it opens as a complete store. */
    public void checkpoint(Path dir) {
        throw new UnsupportedOperationException("not yet");
    }

    /** For tests: waits until background pruning has caught up with the latest commit. */
    public void awaitPruning() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override public long latestVersion() { throw new UnsupportedOperationException(); }
    @Override public byte[] latestRoot() { throw new UnsupportedOperationException(); }
    @Override public byte[] rootAt(long version) { throw new UnsupportedOperationException(); }
    @Override public byte[] commit(long version, WriteSet writes, WriteSet extras) { throw new UnsupportedOperationException(); }
    @Override public byte[] get(byte[] key) { throw new UnsupportedOperationException(); }
    @Override public byte[] get(byte[] key, long version) { throw new UnsupportedOperationException(); }
    @Override public List<byte[]> multiGet(List<byte[]> keys) { throw new UnsupportedOperationException(); }
    @Override public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) { throw new UnsupportedOperationException(); }
    @Override public StateProof getWithProof(byte[] key, long version) { throw new UnsupportedOperationException(); }
    @Override public List<byte[]> changedKeys(long fromExclusive, long toInclusive) { throw new UnsupportedOperationException(); }
    @Override public byte[] getExtra(byte[] key) { throw new UnsupportedOperationException(); }
    @Override public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) { throw new UnsupportedOperationException(); }
    @Override public long oldestRetainedVersion() { throw new UnsupportedOperationException(); }
    @Override public void close() { }
}
