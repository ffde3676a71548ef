package io.dexnode.node.cluster;

/**
 * A position in the Raft log: the term and index of an entry. A replica stores the position of
 * the last block it applied in the same atomic write as that block, so that after a restart it
 * knows exactly which log entries its state already holds.
 */
public record RaftPosition(long term, long index) implements Comparable<RaftPosition> {
    /** Before the first entry. */
    public static final RaftPosition NONE = new RaftPosition(0, -1);

    @Override
    public int compareTo(RaftPosition o) {
        return term != o.term ? Long.compare(term, o.term) : Long.compare(index, o.index);
    }

    @Override
    public String toString() {
        return "(t" + term + ", " + index + ")";
    }
}
