package io.dexnode.state;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The authenticated, versioned key/value state: layer 1 of the design, the single source of
 * truth. Every key is under a Jellyfish Merkle Tree whose root is the state root; one version per
 * block (version = block height). A commit is atomic: after a crash a version is either wholly
 * there or wholly absent.
 *
 * <p>Raw keys are ordered by unsigned byte order (so typed big-endian keys scan in numeric order).
 * Reads may run concurrently with each other and with one committing thread.
 */
public interface StateStore extends AutoCloseable {
    /** The version of a store that has committed nothing. */
    long NO_VERSION = -1;

    /** The newest committed version, or {@link #NO_VERSION}. */
    long latestVersion();

    /** The newest committed root, or the empty-tree root when nothing is committed. */
    byte[] latestRoot();

    /** The root of {@code version}; throws {@link StateException} if it is not a committed, retained version. */
    byte[] rootAt(long version);

    /**
     * One atomic commit: tree nodes, stale index, latest values, per-version values, extras, version
     * and root. {@code version} must be greater than {@link #latestVersion()} (gaps are allowed). An
     * empty write set still makes a version (with the same root).
     *
     * @param extras the caller's unauthenticated records (block header, transactions, auxiliary
     *               indexes), stored outside the tree; may be null
     * @return the new root
     */
    byte[] commit(long version, WriteSet writes, WriteSet extras);

    /**
     * Like {@link #commit}, but returns as soon as the root is computed, with the write possibly
     * still under way ({@link PendingCommit#durable()} says when it is done), so that the next
     * version can be prepared while this one is written. Until then, {@link #get(byte[])} and
     * {@link #latestVersion()} already see the version; every other read waits for it to be durable.
     * Writes land in version order; a failed write fails every later pending one and the store.
     * The default commits synchronously.
     */
    default PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
        byte[] root = commit(version, writes, extras);
        return new PendingCommit(version, root, java.util.concurrent.CompletableFuture.completedFuture(null));
    }

    /** The latest value of {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * The latest durable value of {@code key}, or null: like {@link #get(byte[])}, but it first
     * waits for the commits in flight, so it never shows what a crash could still take back. For
     * readers other than the committing thread (an API answering clients).
     */
    default byte[] getDurable(byte[] key) {
        return multiGet(List.of(key)).get(0);
    }

    /** The value of {@code key} as of {@code version} (a retained version), or null. */
    byte[] get(byte[] key, long version);

    /** The latest values of {@code keys}, in the same order, null for missing ones. */
    List<byte[]> multiGet(List<byte[]> keys);

    /** Visits the latest entries whose key starts with {@code prefix}, in raw-key byte order. */
    void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    /**
     * Like {@link #scanPrefix}, for long scans that look at most entries only briefly (recovery's
     * pass over every order): the visitor gets the key and value in buffers (position 0, limit the
     * length) that are valid only during the call and may be reused by the store, so an entry the
     * visitor skips costs no allocation. Do not modify them; copy what you keep. The blocks read
     * are not added to the store's block cache (a bulk scan would evict the hot set and pay for it).
     */
    default void scanPrefixInPlace(byte[] prefix, BiConsumer<java.nio.ByteBuffer, java.nio.ByteBuffer> visitor) {
        scanPrefix(prefix, (k, v) -> visitor.accept(java.nio.ByteBuffer.wrap(k), java.nio.ByteBuffer.wrap(v)));
    }

    /**
     * The latest values as of the newest committed version, once that version is on disk, pinned:
     * later commits do not change what the view shows, and it may be read from any thread while
     * they go on (the node's periodic consistency check scans it off the block thread). Waits for
     * the commits in flight, like every durable read. Close it when done (it pins the storage's
     * files); closing the store ends every view left open, whose reads then fail as the store's
     * would. Null when this store cannot pin one: the caller then reads the store itself.
     */
    default DurableView durableView() {
        return null;
    }

    /** A pinned, read-only view of the latest values of one version (see {@link #durableView()}). */
    interface DurableView extends AutoCloseable {
        /** The version whose latest values this view shows. */
        long version();

        /** The value of {@code key} at {@link #version()}, or null. */
        byte[] get(byte[] key);

        /** Like {@link StateStore#scanPrefixInPlace}, over the entries at {@link #version()}. */
        void scanPrefixInPlace(byte[] prefix, BiConsumer<java.nio.ByteBuffer, java.nio.ByteBuffer> visitor);

        /** Releases the view; later reads fail. Idempotent. */
        @Override
        void close();
    }

    /**
     * Like {@link #scanPrefixInPlace}, over the latest entries with {@code from <= key < to} in
     * raw-key (unsigned byte) order: a large key space cut into ranges that threads scan at once.
     * This default scans the prefix the two bounds share and skips what lies outside them.
     */
    default void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<java.nio.ByteBuffer, java.nio.ByteBuffer> visitor) {
        int shared = java.util.Arrays.mismatch(from, to);
        byte[] prefix = java.util.Arrays.copyOf(from, shared < 0 ? from.length : Math.min(shared, from.length));
        scanPrefixInPlace(prefix, (k, v) -> {
            byte[] key = new byte[k.remaining()];
            k.duplicate().get(key);
            if (java.util.Arrays.compareUnsigned(key, from) >= 0 && java.util.Arrays.compareUnsigned(key, to) < 0) {
                visitor.accept(k, v);
            }
        });
    }

    /** The value of {@code key} at {@code version} with its ICS23 proof of existence or absence. */
    StateProof getWithProof(byte[] key, long version);

    /** Raw keys written (put or delete) in versions (fromExclusive, toInclusive], sorted, distinct. */
    List<byte[]> changedKeys(long fromExclusive, long toInclusive);

    /** The latest extra record under {@code key}, or null. */
    byte[] getExtra(byte[] key);

    /** Visits the extra records whose key starts with {@code prefix}, in byte order. */
    void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    /**
     * Visits the extra records whose key starts with {@code prefix} and is at or after {@code from},
     * in byte order, while {@code visitor} returns true: one bounded range scan, for reading a page
     * of history from a cursor. {@code from} itself starts with {@code prefix}. The default reads the
     * whole prefix; stores override it with a seek.
     */
    default void scanExtras(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
        boolean[] done = {false};
        scanExtras(prefix, (k, v) -> {
            if (!done[0] && java.util.Arrays.compareUnsigned(k, from) >= 0) {
                done[0] = !visitor.test(k, v);
            }
        });
    }

    /** The oldest version still readable, or {@link #NO_VERSION} when nothing is committed. */
    long oldestRetainedVersion();

    /** Releases the store; later calls throw {@link StateException}. */
    @Override
    void close();
}
