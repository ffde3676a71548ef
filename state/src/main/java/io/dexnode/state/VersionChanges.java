package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.util.Arrays;

/**
 * What one committed version wrote, held in memory until the tree persister has written it to
 * the value history: the raw keys in byte order, their key hashes and values (null = deleted),
 * and the version's root. The arrays are the store's own and never modified; the order of the
 * writes by key hash is computed on first use, off the commit path.
 */
final class VersionChanges {
    /** Returned by the lookups when this version did not write the key (a deletion is null). */
    static final byte[] NOT_WRITTEN = new byte[0];
    /** Estimated heap per write beyond its key and value bytes (arrays, the key hash, references). */
    private static final int OVERHEAD_PER_WRITE = 100;

    private final long version;
    private final byte[] root;
    private final byte[][] keys;
    private final KeyHash[] keyHashes;
    private final byte[][] values;
    private final long bytes;
    private volatile int[] hashOrder;

    private VersionChanges(long version, byte[] root, byte[][] keys, KeyHash[] keyHashes, byte[][] values) {
        this.version = version;
        this.root = root;
        this.keys = keys;
        this.keyHashes = keyHashes;
        this.values = values;
        long n = 64;
        for (int i = 0; i < keys.length; i++) {
            n += OVERHEAD_PER_WRITE + keys[i].length + (values[i] == null ? 0 : values[i].length);
        }
        this.bytes = n;
    }

    static VersionChanges of(long version, byte[] root, TreeCommit.Hashed h) {
        return new VersionChanges(version, root, h.keys(), h.keyHashes(), h.values());
    }

    long version() {
        return version;
    }

    byte[] root() {
        return root;
    }

    byte[][] keys() {
        return keys;
    }

    KeyHash[] keyHashes() {
        return keyHashes;
    }

    byte[][] values() {
        return values;
    }

    int size() {
        return keys.length;
    }

    /** Indexes of the writes in key-hash order. */
    int[] hashOrder() {
        int[] order = hashOrder;
        if (order == null) {
            order = TreeCommit.hashOrder(keyHashes);
            hashOrder = order;
        }
        return order;
    }

    /** The value this version wrote for {@code rawKey} (null: deleted), or {@link #NOT_WRITTEN}. */
    byte[] valueOf(byte[] rawKey) {
        int i = Arrays.binarySearch(keys, rawKey, Arrays::compareUnsigned);
        return i < 0 ? NOT_WRITTEN : values[i];
    }

    /** The index of the write of {@code keyHash}, or -1. */
    int indexOf(KeyHash keyHash) {
        int[] order = hashOrder();
        int lo = 0;
        int hi = order.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = keyHashes[order[mid]].compareTo(keyHash);
            if (c == 0) {
                return order[mid];
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** Estimated heap held. */
    long bytes() {
        return bytes;
    }
}
