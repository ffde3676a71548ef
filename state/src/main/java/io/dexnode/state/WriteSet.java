package io.dexnode.state;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The puts and deletes of one version, by raw key. Kept sorted by unsigned byte order so that
 * everything downstream (tree batch, RocksDB batch, changed-key lists) sees the keys in one
 * deterministic order; the last write to a key wins.
 *
 * <p>Arrays are copied in, so a caller may reuse its buffers. Not thread-safe.
 */
public final class WriteSet {
    /** Marks a deletion inside the map (TreeMap values cannot be told apart from absence otherwise). */
    private static final byte[] DELETE = new byte[0];

    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);

    /** An empty write set. */
    public WriteSet() {
    }

    /** Sets {@code key} to {@code value} (a non-empty value: ICS23 cannot prove empty ones). */
    public void put(byte[] key, byte[] value) {
        checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("put needs a value; use delete to remove a key");
        }
        if (value.length == 0) {
            throw new IllegalArgumentException("empty values are not stored (ICS23 cannot prove them)");
        }
        entries.put(key.clone(), value.clone());
    }

    /** Deletes {@code key} (a no-op for the tree when it is absent). */
    public void delete(byte[] key) {
        checkKey(key);
        entries.put(key.clone(), DELETE);
    }

    /** Number of distinct keys written. */
    public int size() {
        return entries.size();
    }

    /** Whether nothing is written. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Visits every write in raw-key byte order; the value is null for a deletion. The arrays are
     * the set's own: do not modify them.
     */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
            byte[] v = e.getValue();
            action.accept(e.getKey(), v == DELETE ? null : v);
        }
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("a state key is a non-empty byte array");
        }
    }

    @Override
    public String toString() {
        return "WriteSet(" + entries.size() + " writes)";
    }
}
