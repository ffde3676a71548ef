package io.dexnode.book;

import java.util.Arrays;

/**
 * An open-addressing map from {@code long} keys to non-negative {@code int} values, without
 * boxing: the book's O(1) order lookup by id and level lookup by price. Keys and values sit next
 * to each other in one array, so a hit costs one cache miss. Linear probing with backward-shift
 * deletion keeps probe chains short without tombstones. Iteration is deliberately not offered:
 * nothing that affects results may depend on hash order.
 */
final class LongToIntMap {
    /** Returned by {@link #get} and {@link #remove} for an absent key. */
    static final int MISSING = -1;
    private static final int MIN_SLOTS = 16;
    /** 2^29 slots (a 2^30-long table) hold 2^28 entries at the maximum load of one half. */
    private static final int MAX_SLOTS = 1 << 29;

    /** Pairs: {@code table[2s]} is the key, {@code table[2s+1]} the value + 1 (0 = empty slot). */
    private long[] table;
    private int mask;
    private int shift;
    private int size;
    private int resizeAt;

    LongToIntMap(int expected) {
        int slots = MIN_SLOTS;
        while (slots < 2L * Math.max(expected, 1) && slots < MAX_SLOTS) {
            slots <<= 1;
        }
        allocate(slots);
    }

    private void allocate(int slots) {
        table = new long[2 * slots];
        mask = slots - 1;
        shift = 64 - Integer.numberOfTrailingZeros(slots);
        resizeAt = slots / 2;
        size = 0;
    }

    private int home(long key) {
        // Fibonacci hashing: the top bits of key * 2^64/phi spread sequential ids evenly.
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    int size() {
        return size;
    }

    int get(long key) {
        long[] t = table;
        int s = home(key);
        while (true) {
            long v = t[2 * s + 1];
            if (v == 0) {
                return MISSING;
            }
            if (t[2 * s] == key) {
                return (int) (v - 1);
            }
            s = (s + 1) & mask;
        }
    }

    /** Maps key to value (value >= 0), replacing any previous value. */
    void put(long key, int value) {
        long[] t = table;
        int s = home(key);
        while (true) {
            long v = t[2 * s + 1];
            if (v == 0) {
                t[2 * s] = key;
                t[2 * s + 1] = value + 1L;
                if (++size > resizeAt) {
                    grow();
                }
                return;
            }
            if (t[2 * s] == key) {
                t[2 * s + 1] = value + 1L;
                return;
            }
            s = (s + 1) & mask;
        }
    }

    int remove(long key) {
        long[] t = table;
        int s = home(key);
        while (true) {
            long v = t[2 * s + 1];
            if (v == 0) {
                return MISSING;
            }
            if (t[2 * s] == key) {
                shiftBack(s);
                size--;
                return (int) (v - 1);
            }
            s = (s + 1) & mask;
        }
    }

    /** Fills the hole at slot {@code hole} with later entries of its probe chain. */
    private void shiftBack(int hole) {
        long[] t = table;
        int i = hole;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (t[2 * j + 1] == 0) {
                break;
            }
            int k = home(t[2 * j]);
            // The entry at j may move to i only if its home is not cyclically within (i, j].
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                t[2 * i] = t[2 * j];
                t[2 * i + 1] = t[2 * j + 1];
                i = j;
            }
        }
        t[2 * i] = 0;
        t[2 * i + 1] = 0;
    }

    private void grow() {
        if (mask + 1 >= MAX_SLOTS) {
            throw new IllegalStateException("map is full: " + size + " entries");
        }
        long[] old = table;
        int oldSize = size;
        allocate((mask + 1) * 2);
        for (int s = 0; s < old.length; s += 2) {
            if (old[s + 1] != 0) {
                put(old[s], (int) (old[s + 1] - 1));
            }
        }
        size = oldSize;
    }

    void clear() {
        Arrays.fill(table, 0L);
        size = 0;
    }
}
