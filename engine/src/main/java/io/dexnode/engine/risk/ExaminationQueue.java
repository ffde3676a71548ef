package io.dexnode.engine.risk;

import java.util.TreeSet;

/**
 * The accounts the pass still has to examine, always taken smallest id first: a sorted batch
 * (what the index found) and the accounts liquidations changed since (few), merged as they are
 * taken, each at most once at a time.
 */
final class ExaminationQueue {
    private long[] batch;
    private int next;
    private final TreeSet<Long> added = new TreeSet<>();

    ExaminationQueue(long[] sortedDistinct) {
        this.batch = sortedDistinct;
    }

    void addAll(long[] ids) {
        for (long id : ids) {
            added.add(id);
        }
    }

    boolean isEmpty() {
        return next == batch.length && added.isEmpty();
    }

    /** The smallest id left, removed (from both parts if it is in both). */
    long poll() {
        if (added.isEmpty()) {
            return batch[next++];
        }
        if (next == batch.length) {
            return added.pollFirst();
        }
        long a = batch[next];
        long b = added.first();
        if (a < b) {
            next++;
            return a;
        }
        added.pollFirst();
        if (a == b) {
            next++;
        }
        return b;
    }
}
