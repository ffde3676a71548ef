package io.dexnode.jmt;

/**
 * An open-addressing hash table whose keys are {@code width} (2 or 4) longs stored inline, with
 * linear probing and backward-shift deletion. The in-memory store keeps a million-entry tree in
 * it: no entry objects, no key objects, one or two cache misses per lookup, which a
 * {@code HashMap} keyed by node keys does not come close to.
 */
final class LongKeyTable<V> {
    private static final int MIN_CAPACITY = 16;

    private final int width;
    private long[] keys;
    private Object[] values;
    private int mask;
    private int size;

    LongKeyTable(int width) {
        if (width != 2 && width != 4) {
            throw new IllegalArgumentException("width 2 or 4");
        }
        this.width = width;
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity * width];
        values = new Object[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    static long hash(long k0, long k1, long k2, long k3) {
        return Bytes.mix(k0 * 0x9E3779B97F4A7C15L + Bytes.mix(k1 ^ Long.rotateLeft(k2, 17) ^ Long.rotateLeft(k3, 41)));
    }

    private boolean matches(int slot, long k0, long k1, long k2, long k3) {
        int b = slot * width;
        return keys[b] == k0 && keys[b + 1] == k1 && (width == 2 || (keys[b + 2] == k2 && keys[b + 3] == k3));
    }

    /** The slot holding the key, or the empty slot where it would go. */
    private int find(long k0, long k1, long k2, long k3) {
        int i = (int) hash(k0, k1, k2, k3) & mask;
        while (values[i] != null && !matches(i, k0, k1, k2, k3)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    @SuppressWarnings("unchecked")
    V get(long k0, long k1, long k2, long k3) {
        return (V) values[find(k0, k1, k2, k3)];
    }

    /** Maps the key to {@code value} (not null), replacing any previous value. */
    void put(long k0, long k1, long k2, long k3, V value) {
        store(find(k0, k1, k2, k3), k0, k1, k2, k3, value);
    }

    /**
     * Maps the key to {@code update.apply(previous value or null)} (not null), probing once:
     * for a value that wraps the previous one (a per-key history), one lookup instead of two.
     */
    void update(long k0, long k1, long k2, long k3, java.util.function.UnaryOperator<V> update) {
        int i = find(k0, k1, k2, k3);
        @SuppressWarnings("unchecked")
        V previous = (V) values[i];
        store(i, k0, k1, k2, k3, update.apply(previous));
    }

    /** Puts {@code value} in slot {@code i} (the key's, from {@link #find}), claiming it if empty. */
    private void store(int i, long k0, long k1, long k2, long k3, V value) {
        if (values[i] == null) {
            int b = i * width;
            keys[b] = k0;
            keys[b + 1] = k1;
            if (width == 4) {
                keys[b + 2] = k2;
                keys[b + 3] = k3;
            }
            size++;
        }
        values[i] = value;
        if (size * 5L > (mask + 1) * 3L) {
            resize();
        }
    }

    /** Removes the key; returns its value or null. */
    @SuppressWarnings("unchecked")
    V remove(long k0, long k1, long k2, long k3) {
        int i = find(k0, k1, k2, k3);
        V old = (V) values[i];
        if (old == null) {
            return null;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) {
                break;
            }
            int b = j * width;
            int home = (int) hash(keys[b], keys[b + 1], width == 4 ? keys[b + 2] : 0, width == 4 ? keys[b + 3] : 0) & mask;
            // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                System.arraycopy(keys, b, keys, hole * width, width);
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        size--;
        return old;
    }

    private void resize() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(values.length * 2);
        for (int s = 0; s < oldValues.length; s++) {
            if (oldValues[s] != null) {
                int b = s * width;
                long k2 = width == 4 ? oldKeys[b + 2] : 0;
                long k3 = width == 4 ? oldKeys[b + 3] : 0;
                int i = find(oldKeys[b], oldKeys[b + 1], k2, k3);
                System.arraycopy(oldKeys, b, keys, i * width, width);
                values[i] = oldValues[s];
            }
        }
    }

    /** Calls {@code action} for every value (table order: for counting, never for decisions). */
    void forEachValue(java.util.function.Consumer<V> action) {
        for (Object v : values) {
            if (v != null) {
                @SuppressWarnings("unchecked")
                V cast = (V) v;
                action.accept(cast);
            }
        }
    }
}
