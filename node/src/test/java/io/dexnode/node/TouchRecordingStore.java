package io.dexnode.node;

import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The node's state store as the node sees it ({@link Node.Options#withState}), passing every call
 * through and recording each one made once {@link #watch} says the node halted: after a failed write
 * the real store refuses every call, so nothing on the halt path may make one. It can also fail the
 * reads a Raft snapshot's write makes ({@link #failSnapshotWrites}).
 */
final class TouchRecordingStore implements StateStore {
    private final StateStore store;
    private final List<Throwable> touchesAfterHalt = new CopyOnWriteArrayList<>();
    private volatile BooleanSupplier halted = () -> false;

    TouchRecordingStore(StateStore store) {
        this.store = store;
    }

    /** The store the node opened (for {@code StateFaults}). */
    StateStore inner() {
        return store;
    }

    /** From now on, a call while {@code halted} holds is recorded. */
    void watch(BooleanSupplier halted) {
        this.halted = halted;
    }

    /** The calls made after the node halted, each with the stack that made it. */
    List<Throwable> touchesAfterHalt() {
        return List.copyOf(touchesAfterHalt);
    }

    private void touch(String call) {
        if (halted.getAsBoolean()) {
            touchesAfterHalt.add(new Throwable("StateStore." + call + " after the node halted, on " + Thread.currentThread().getName()));
        }
    }

    @Override
    public long latestVersion() {
        touch("latestVersion");
        return store.latestVersion();
    }

    /** When set, a read of the root made while a replica writes a Raft snapshot fails as a full disk would. */
    volatile boolean failSnapshotWrites;

    @Override
    public byte[] latestRoot() {
        touch("latestRoot");
        if (failSnapshotWrites && StackWalker.getInstance().walk(f -> f.anyMatch(x -> x.getMethodName().equals("writeSnapshot")))) {
            throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device (injected)"));
        }
        return store.latestRoot();
    }

    @Override
    public byte[] rootAt(long version) {
        touch("rootAt");
        return store.rootAt(version);
    }

    @Override
    public byte[] commit(long version, WriteSet writes, WriteSet extras) {
        touch("commit");
        return store.commit(version, writes, extras);
    }

    @Override
    public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
        touch("commitPipelined");
        return store.commitPipelined(version, writes, extras);
    }

    @Override
    public byte[] get(byte[] key) {
        touch("get");
        return store.get(key);
    }

    @Override
    public byte[] getDurable(byte[] key) {
        touch("getDurable");
        return store.getDurable(key);
    }

    @Override
    public byte[] get(byte[] key, long version) {
        touch("get");
        return store.get(key, version);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        touch("multiGet");
        return store.multiGet(keys);
    }

    @Override
    public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        touch("scanPrefix");
        store.scanPrefix(prefix, visitor);
    }

    @Override
    public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        touch("scanPrefixInPlace");
        store.scanPrefixInPlace(prefix, visitor);
    }

    @Override
    public void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        touch("scanRangeInPlace");
        store.scanRangeInPlace(from, to, visitor);
    }

    @Override
    public StateProof getWithProof(byte[] key, long version) {
        touch("getWithProof");
        return store.getWithProof(key, version);
    }

    @Override
    public List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        touch("changedKeys");
        return store.changedKeys(fromExclusive, toInclusive);
    }

    @Override
    public byte[] getExtra(byte[] key) {
        touch("getExtra");
        return store.getExtra(key);
    }

    @Override
    public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        touch("scanExtras");
        store.scanExtras(prefix, visitor);
    }

    @Override
    public long oldestRetainedVersion() {
        touch("oldestRetainedVersion");
        return store.oldestRetainedVersion();
    }

    @Override
    public void close() {
        touch("close");
        store.close();
    }
}
