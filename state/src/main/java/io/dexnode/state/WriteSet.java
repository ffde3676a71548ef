package io.dexnode.state;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The puts and deletes of one version, by raw key. Read in unsigned byte order so that everything
 * downstream (tree batch, RocksDB batch, changed-key lists) sees the keys in one deterministic
 * order; the last write to a key wins.
 *
 * <p>Writes are appended and sorted once, when the set is first read (a stable sort, so the last
 * of several writes to one key is the one kept): a block's writes arrive in hash-map order, and a
 * sorted tree map took a few percent of the block thread. Writes in ascending key order are never
 * sorted. Arrays are copied in, so a caller may reuse its buffers. Writing is not thread-safe;
 * reads may run on several threads once writing is done.
 */
public final class WriteSet {
    /** Marks a deletion (an empty value is never stored, so it cannot be mistaken for one). */
    private static final byte[] DELETE = new byte[0];

    private record Write(byte[] key, byte[] value) {
    }

    private static final java.util.Comparator<Write> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key, b.key);

    private Write[] writes = new Write[8];
    private int count;
    /** Whether writes[0, count) are in strictly ascending key order (appends in that order keep it so). */
    private boolean normal = true;

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
        append(key.clone(), value.clone());
    }

    /** Deletes {@code key} (a no-op for the tree when it is absent). */
    public void delete(byte[] key) {
        checkKey(key);
        append(key.clone(), DELETE);
    }

    private void append(byte[] key, byte[] value) {
        if (normal && count > 0) {
            int c = Arrays.compareUnsigned(writes[count - 1].key, key);
            if (c == 0) {
                writes[count - 1] = new Write(key, value);
                return;
            }
            normal = c < 0;
        }
        if (count == writes.length) {
            writes = Arrays.copyOf(writes, count * 2);
        }
        writes[count++] = new Write(key, value);
    }

    /** Sorts the writes by key and keeps the last write of each key; once, before the first read. */
    private synchronized void normalize() {
        if (normal) {
            return;
        }
        Arrays.sort(writes, 0, count, BY_KEY); // stable: writes to one key stay in the order they were made
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (kept > 0 && Arrays.equals(writes[kept - 1].key, writes[i].key)) {
                writes[kept - 1] = writes[i];
            } else {
                writes[kept++] = writes[i];
            }
        }
        Arrays.fill(writes, kept, count, null);
        count = kept;
        normal = true;
    }

    /** Number of distinct keys written. */
    public int size() {
        normalize();
        return count;
    }

    /** Whether nothing is written. */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Visits every write in raw-key byte order; the value is null for a deletion. The arrays are
     * the set's own: do not modify them.
     */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        normalize();
        for (int i = 0; i < count; i++) {
            Write w = writes[i];
            action.accept(w.key, w.value == DELETE ? null : w.value);
        }
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("a state key is a non-empty byte array");
        }
    }

    @Override
    public String toString() {
        return "WriteSet(" + size() + " writes)";
    }
}
