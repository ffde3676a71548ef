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
}
