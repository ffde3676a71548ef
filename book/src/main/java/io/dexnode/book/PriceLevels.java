package io.dexnode.book;

import java.util.Arrays;

/**
 * The price levels of one side of a book, best first. A level is an int index into parallel
 * arrays (no object per level); it holds the head and tail of its FIFO queue of orders (the links
 * live in the order store) and the exact sum of their remaining sizes.
 *
 * <p>Two views of the same set of levels, kept in step: a {@link PriceRadixTree} from price to
 * level (lookup, and the nearest better level when a new one is placed, each in a few bit
 * operations), and a doubly linked list best-to-worst with the best level cached (O(1) best
 * price, O(1) step to the next level while matching, depth walks without the tree).
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

    private final PriceRadixTree byPrice;
    int best = NIL;
    private int count;
    private int highWater;
    private int freeHead = NIL;

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
        byPrice = new PriceRadixTree(Math.max(4, cap / 16));
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
        int b = bids ? byPrice.higher(p) : byPrice.lower(p);
        int w = b == NIL ? best : worse[b];
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

    /** Removes an (empty) level from both views and recycles its index. */
    void remove(int lvl) {
        byPrice.remove(price[lvl]);
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
    }

    /** Radix tree nodes in use, for tests. */
    int indexNodes() {
        return byPrice.nodesInUse();
    }
}
