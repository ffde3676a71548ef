package io.dexnode.engine.recovery;

import java.util.Arrays;

/** A growable primitive list of longs: recovery keeps a million ids without boxing them. */
final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = v;
    }

    long get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    long[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
