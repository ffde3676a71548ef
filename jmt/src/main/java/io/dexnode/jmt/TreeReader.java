package io.dexnode.jmt;

/**
 * What the tree reads from storage. The tree never caches across calls itself; a store that wants
 * speed puts a node cache behind this interface. A batch update calls {@link #getNode} once per
 * node it touches.
 */
public interface TreeReader {

    /** The node stored under {@code key}, or null when there is none. */
    Node getNode(NodeKey key);

    /**
     * The newest value of {@code keyHash} written at a version ≤ {@code maxVersion} (unsigned),
     * or null when there is none or the newest is a deletion (tombstone).
     */
    byte[] getValue(long maxVersion, KeyHash keyHash);

    /**
     * Whether every node this reader hands out stays in memory and valid for as long as a readable
     * root reaches it — true for a store that holds the whole tree in memory. The tree may then
     * link a parent object straight to its resolved children and skip {@link #getNode} for them
     * on later batches. A store that caches a bounded part of a larger tree (RocksDB behind a node
     * cache) must keep the default, false: links would pin whole subtrees in memory.
     */
    default boolean nodesStayResident() {
        return false;
    }
}
