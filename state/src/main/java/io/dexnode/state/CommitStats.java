package io.dexnode.state;

/**
 * Where commit time goes, summed since open: loading tree nodes, computing the tree batch, encoding it into a RocksDB
 * batch, and the write itself (WAL, fsync, memtables). For metrics and the benchmark, never for
 * logic.
 *
 * @param commits number of commits
 * @param keyWrites raw-key puts and deletes committed
 * @param nodesLoaded tree nodes the commits had to read from RocksDB (cache misses)
 * @param readNanos time loading the nodes the update reads (the prefetch walk)
 * @param treeNanos time in the JMT update
 * @param encodeNanos time building the write batch
 * @param writeNanos time in RocksDB's write
 * @param batchBytes total size of the write batches
 * @param batchEntries total number of records in the write batches
 */
public record CommitStats(long commits, long keyWrites, long nodesLoaded, long readNanos, long treeNanos, long encodeNanos, long writeNanos,
                          long batchBytes, long batchEntries) {

    /** The difference {@code this - earlier}, for one measured interval. */
    public CommitStats minus(CommitStats earlier) {
        return new CommitStats(commits - earlier.commits, keyWrites - earlier.keyWrites, nodesLoaded - earlier.nodesLoaded, readNanos - earlier.readNanos,
                treeNanos - earlier.treeNanos, encodeNanos - earlier.encodeNanos, writeNanos - earlier.writeNanos,
                batchBytes - earlier.batchBytes, batchEntries - earlier.batchEntries);
    }

    /** The sum of two intervals. */
    public CommitStats plus(CommitStats other) {
        return new CommitStats(commits + other.commits, keyWrites + other.keyWrites, nodesLoaded + other.nodesLoaded, readNanos + other.readNanos,
                treeNanos + other.treeNanos, encodeNanos + other.encodeNanos, writeNanos + other.writeNanos,
                batchBytes + other.batchBytes, batchEntries + other.batchEntries);
    }
}
