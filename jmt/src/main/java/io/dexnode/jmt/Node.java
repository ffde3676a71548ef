package io.dexnode.jmt;

/**
 * A physical node of the 16-way tree (spec §2.2): an {@link InternalNode} standing for four binary
 * levels, a {@link LeafNode} holding one key's hashes, or the {@link NullNode} root of an empty
 * tree. The family is closed so that every walk over the tree is a total switch.
 */
public sealed interface Node permits InternalNode, LeafNode, NullNode {

    /** The node's hash as its parent records it (a fresh copy). */
    byte[] hash();

    /** Number of live keys below (and including) this node. */
    long leafCount();
}
