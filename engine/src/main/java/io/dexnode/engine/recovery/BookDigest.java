package io.dexnode.engine.recovery;

/**
 * An order-independent digest of a set of (order id, remaining, priority) triples, with their
 * count: the book and the ActiveOrder index must give the same one after any recovery.
 */
public record BookDigest(long count, long digest) {
    public static final BookDigest EMPTY = new BookDigest(0, 0);

    public BookDigest add(long orderId, long remaining, long prioritySeq) {
        return new BookDigest(count + 1, digest + mix(orderId ^ mix(remaining ^ mix(prioritySeq))));
    }

    /** Mutable accumulator for hot loops. */
    static final class Accumulator {
        long count;
        long digest;

        void add(long orderId, long remaining, long prioritySeq) {
            count++;
            digest += mix(orderId ^ mix(remaining ^ mix(prioritySeq)));
        }

        BookDigest result() {
            return new BookDigest(count, digest);
        }
    }

    /** SplitMix64's finalizer: a cheap, well-mixed 64-bit hash. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
