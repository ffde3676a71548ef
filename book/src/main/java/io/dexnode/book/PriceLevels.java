package io.dexnode.book;

import java.util.Arrays;

/**
 * The price levels of one side of a book, best first. A level is an int index into parallel
 * arrays (no object per level); it holds the head and tail of its FIFO queue of orders (the links
 * live in the order store) and the exact sum of their remaining sizes.
 *
 * <p>Three views of the same set of levels, kept in step: a hash from price to level (O(1)
 * lookup of an existing level), an AVL tree ordered best-to-worst (O(log n) to place a new level
 * among the others), and a doubly linked list in the same order with the best level cached (O(1)
 * best price, O(1) step to the next level while matching, and depth walks without the tree).
 */
final class PriceLevels {
    static final int NIL = -1;

    final Side side;
    private final boolean bids;

    long[] price;
    int[] head;
    int[] tail;
    /** Sum of remaining sizes as 128 bits (hi:lo), so it never overflows; read saturated. */
    private long[] totalLo;
    private long[] totalHi;
    int[] better;
    int[] worse;
    private int[] left;
    private int[] right;
    private byte[] height;

    private final LongToIntMap byPrice;
    private int root = NIL;
    int best = NIL;
    private int count;
    private int highWater;
    private int freeHead = NIL;

    // Neighbours found by the last tree insertion.
    private int insertBetter;
    private int insertWorse;

    PriceLevels(Side side, int expectedLevels) {
        this.side = side;
        this.bids = side == Side.BUY;
        int cap = Math.max(16, expectedLevels);
        price = new long[cap];
        head = new int[cap];
        tail = new int[cap];
        totalLo = new long[cap];
        totalHi = new long[cap];
        better = new int[cap];
        worse = new int[cap];
        left = new int[cap];
        right = new int[cap];
        height = new byte[cap];
        byPrice = new LongToIntMap(expectedLevels);
    }

    int count() {
        return count;
    }

    /** True if {@code a} is a strictly better price than {@code b} on this side. */
    boolean isBetter(long a, long b) {
        return bids ? a > b : a < b;
    }

    /** The level at price, or NIL. */
    int find(long p) {
        return byPrice.get(p);
    }

    /** The level at price, created empty (and placed among the others) if there is none. */
    int findOrCreate(long p) {
        int lvl = byPrice.get(p);
        return lvl != NIL ? lvl : create(p);
    }

    private int create(long p) {
        int lvl = allocate();
        price[lvl] = p;
        head[lvl] = NIL;
        tail[lvl] = NIL;
        totalLo[lvl] = 0;
        totalHi[lvl] = 0;
        left[lvl] = NIL;
        right[lvl] = NIL;
        height[lvl] = 1;
        insertBetter = NIL;
        insertWorse = NIL;
        root = insert(root, lvl, p);
        int b = insertBetter;
        int w = insertWorse;
        better[lvl] = b;
        worse[lvl] = w;
        if (b == NIL) {
            best = lvl;
        } else {
            worse[b] = lvl;
        }
        if (w != NIL) {
            better[w] = lvl;
        }
        byPrice.put(p, lvl);
        count++;
        return lvl;
    }

    /** Removes an (empty) level from all three views and recycles its index. */
    void remove(int lvl) {
        long p = price[lvl];
        byPrice.remove(p);
        root = delete(root, p);
        int b = better[lvl];
        int w = worse[lvl];
        if (b == NIL) {
            best = w;
        } else {
            worse[b] = w;
        }
        if (w != NIL) {
            better[w] = b;
        }
        count--;
        worse[lvl] = freeHead;
        freeHead = lvl;
    }

    void addTotal(int lvl, long size) {
        long lo = totalLo[lvl];
        long sum = lo + size;
        if (Long.compareUnsigned(sum, lo) < 0) {
            totalHi[lvl]++;
        }
        totalLo[lvl] = sum;
    }

    void subtractTotal(int lvl, long size) {
        long lo = totalLo[lvl];
        if (Long.compareUnsigned(lo, size) < 0) {
            totalHi[lvl]--;
        }
        totalLo[lvl] = lo - size;
    }

    /** The level's total remaining size, saturated at Long.MAX_VALUE. */
    long total(int lvl) {
        long lo = totalLo[lvl];
        return totalHi[lvl] != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    void clear() {
        byPrice.clear();
        root = NIL;
        best = NIL;
        count = 0;
        highWater = 0;
        freeHead = NIL;
    }

    private int allocate() {
        if (freeHead != NIL) {
            int lvl = freeHead;
            freeHead = worse[lvl];
            return lvl;
        }
        if (highWater == price.length) {
            grow();
        }
        return highWater++;
    }

    private void grow() {
        int cap = price.length * 2;
        price = Arrays.copyOf(price, cap);
        head = Arrays.copyOf(head, cap);
        tail = Arrays.copyOf(tail, cap);
        totalLo = Arrays.copyOf(totalLo, cap);
        totalHi = Arrays.copyOf(totalHi, cap);
        better = Arrays.copyOf(better, cap);
        worse = Arrays.copyOf(worse, cap);
        left = Arrays.copyOf(left, cap);
        right = Arrays.copyOf(right, cap);
        height = Arrays.copyOf(height, cap);
    }

    // ---- AVL tree over level indexes, ordered best to worst ----

    private int insert(int node, int lvl, long p) {
        if (node == NIL) {
            return lvl;
        }
        if (isBetter(p, price[node])) {
            insertWorse = node;
            left[node] = insert(left[node], lvl, p);
        } else {
            insertBetter = node;
            right[node] = insert(right[node], lvl, p);
        }
        return rebalance(node);
    }

    private int delete(int node, long p) {
        long np = price[node];
        if (np == p) {
            int l = left[node];
            int r = right[node];
            if (l == NIL) {
                return r;
            }
            if (r == NIL) {
                return l;
            }
            // The in-order successor (leftmost of r) takes the node's place; indexes never move.
            int successor = worse[node];
            int rest = deleteLeftmost(r);
            left[successor] = l;
            right[successor] = rest;
            return rebalance(successor);
        }
        if (isBetter(p, np)) {
            left[node] = delete(left[node], p);
        } else {
            right[node] = delete(right[node], p);
        }
        return rebalance(node);
    }

    private int deleteLeftmost(int node) {
        if (left[node] == NIL) {
            return right[node];
        }
        left[node] = deleteLeftmost(left[node]);
        return rebalance(node);
    }

    private int h(int node) {
        return node == NIL ? 0 : height[node];
    }

    private int rebalance(int node) {
        int hl = h(left[node]);
        int hr = h(right[node]);
        if (hl > hr + 1) {
            int l = left[node];
            if (h(left[l]) < h(right[l])) {
                left[node] = rotateLeft(l);
            }
            return rotateRight(node);
        }
        if (hr > hl + 1) {
            int r = right[node];
            if (h(right[r]) < h(left[r])) {
                right[node] = rotateRight(r);
            }
            return rotateLeft(node);
        }
        height[node] = (byte) (Math.max(hl, hr) + 1);
        return node;
    }

    private int rotateRight(int node) {
        int l = left[node];
        left[node] = right[l];
        right[l] = node;
        fixHeight(node);
        fixHeight(l);
        return l;
    }

    private int rotateLeft(int node) {
        int r = right[node];
        right[node] = left[r];
        left[r] = node;
        fixHeight(node);
        fixHeight(r);
        return r;
    }

    private void fixHeight(int node) {
        height[node] = (byte) (Math.max(h(left[node]), h(right[node])) + 1);
    }

    /** Tree height, for tests of the balance bound. */
    int treeHeight() {
        return h(root);
    }
}
