package io.dexnode.jmt;

/**
 * Where a version's {@link TreeUpdateBatch} goes. Implementations write the whole batch
 * atomically (nodes, stale-node index entries and values together) or fail loudly.
 */
public interface TreeWriter {

    /** Persists every part of {@code batch} as one atomic unit. */
    void write(TreeUpdateBatch batch);
}
