package io.dexnode.book;

import java.util.Arrays;

/**
 * A radix tree from non-negative {@code long} keys (prices) to int values (level indexes): each
 * node has 64 children and a 64-bit occupancy mask, so a lookup, an insertion, a removal or a
 * search for the nearest present key below or above a given one take at most
 * ceil(bits of the largest key / 6) steps of a few bit operations: 3 for prices below 262,144,
 * 11 for any long. That bounds them better than a balanced tree's O(log n) and touches far less
 * memory, which is what a book that creates and drops levels on most commands needs (the idea of
 * exchange-core's radix tree; nodes here are plain int/long arrays, recycled through a free list).
 *
 * <p>The tree grows upward when a key needs more digits; it never shrinks in height.
 */
final class PriceRadixTree {
    static final int NIL = -1;
    private static final int FANOUT = 64;
    private static final int MAX_HEIGHT = 11;

    /** {@code child[node * 64 + digit]}: a child node, or at height 0 the value. */
    private int[] child;
    /** Bit d of {@code mask[node]} is set iff digit d is present below that node. */
    private long[] mask;
    private int root;
    /** Levels of nodes; keys below 64^height fit. */
    private int height = 1;
    private int highWater;
    private int freeHead = NIL;
    private final int[] path = new int[MAX_HEIGHT];

    PriceRadixTree(int expectedNodes) {
        int cap = Math.max(4, expectedNodes);
        child = new int[cap * FANOUT];
        mask = new long[cap];
        root = newNode();
    }

    private static int digit(long key, int level) {
        return (int) (key >>> (6 * level)) & 63;
    }

    private boolean fits(long key) {
        return height >= MAX_HEIGHT || key >>> (6 * height) == 0;
    }

    int get(long key) {
        if (!fits(key)) {
            return NIL;
        }
        int node = root;
        for (int level = height - 1; ; level--) {
            int d = digit(key, level);
            if ((mask[node] & (1L << d)) == 0) {
                return NIL;
            }
            int next = child[node * FANOUT + d];
            if (level == 0) {
                return next;
            }
            node = next;
        }
    }

    /** Maps key (&ge; 0, absent) to value. */
    void put(long key, int value) {
        while (!fits(key)) {
            if (mask[root] == 0) {
                height++;
                continue;
            }
            int top = newNode();
            child[top * FANOUT] = root;
            mask[top] = 1L;
            root = top;
            height++;
        }
        int node = root;
        for (int level = height - 1; level > 0; level--) {
            int d = digit(key, level);
            int slot = node * FANOUT + d;
            if ((mask[node] & (1L << d)) == 0) {
                int created = newNode();
                child[slot] = created;
                mask[node] |= 1L << d;
                node = created;
            } else {
                node = child[slot];
            }
        }
        int d = digit(key, 0);
        child[node * FANOUT + d] = value;
        mask[node] |= 1L << d;
    }

    /** Removes a present key, freeing nodes that empty (never the root). */
    void remove(long key) {
        int node = root;
        for (int level = height - 1; level > 0; level--) {
            path[level] = node;
            node = child[node * FANOUT + digit(key, level)];
        }
        mask[node] &= ~(1L << digit(key, 0));
        for (int level = 1; level < height && mask[node] == 0; level++) {
            freeNode(node);
            node = path[level];
            mask[node] &= ~(1L << digit(key, level));
        }
    }

    /** The value of the greatest key strictly below key, or NIL. */
    int lower(long key) {
        if (!fits(key)) {
            return mask[root] == 0 ? NIL : extreme(root, height - 1, true);
        }
        int node = root;
        int level = height - 1;
        // Descend along key's digits as far as they are present.
        while (true) {
            path[level] = node;
            int d = digit(key, level);
            if (level == 0 || (mask[node] & (1L << d)) == 0) {
                break;
            }
            node = child[node * FANOUT + d];
            level--;
        }
        // Climb until some node has a present digit below key's digit at that level.
        for (; level < height; level++) {
            node = path[level];
            long below = mask[node] & ((1L << digit(key, level)) - 1);
            if (below != 0) {
                int d = 63 - Long.numberOfLeadingZeros(below);
                int next = child[node * FANOUT + d];
                return level == 0 ? next : extreme(next, level - 1, true);
            }
        }
        return NIL;
    }

    /** The value of the smallest key strictly above key, or NIL. */
    int higher(long key) {
        if (!fits(key)) {
            return NIL;
        }
        int node = root;
        int level = height - 1;
        while (true) {
            path[level] = node;
            int d = digit(key, level);
            if (level == 0 || (mask[node] & (1L << d)) == 0) {
                break;
            }
            node = child[node * FANOUT + d];
            level--;
        }
        for (; level < height; level++) {
            node = path[level];
            long above = mask[node] & (-2L << digit(key, level));
            if (above != 0) {
                int d = Long.numberOfTrailingZeros(above);
                int next = child[node * FANOUT + d];
                return level == 0 ? next : extreme(next, level - 1, false);
            }
        }
        return NIL;
    }

    /** The value of the largest (or smallest) key under node, whose level is given. */
    private int extreme(int node, int level, boolean largest) {
        while (true) {
            long m = mask[node];
            int d = largest ? 63 - Long.numberOfLeadingZeros(m) : Long.numberOfTrailingZeros(m);
            int next = child[node * FANOUT + d];
            if (level == 0) {
                return next;
            }
            node = next;
            level--;
        }
    }

    void clear() {
        highWater = 0;
        freeHead = NIL;
        height = 1;
        root = newNode();
    }

    private int newNode() {
        int node;
        if (freeHead != NIL) {
            node = freeHead;
            freeHead = child[node * FANOUT];
        } else {
            if (highWater == mask.length) {
                if (highWater > (Integer.MAX_VALUE - 64) / (2 * FANOUT)) {
                    throw new IllegalStateException("price index is full: " + highWater + " nodes");
                }
                mask = Arrays.copyOf(mask, highWater * 2);
                child = Arrays.copyOf(child, highWater * 2 * FANOUT);
            }
            node = highWater++;
        }
        mask[node] = 0;
        return node;
    }

    private void freeNode(int node) {
        child[node * FANOUT] = freeHead;
        freeHead = node;
    }

    /** Nodes in use, for tests and memory accounting. */
    int nodesInUse() {
        int free = 0;
        for (int n = freeHead; n != NIL; n = child[n * FANOUT]) {
            free++;
        }
        return highWater - free;
    }
}
