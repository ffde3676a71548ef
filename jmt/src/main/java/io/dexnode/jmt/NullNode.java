package io.dexnode.jmt;

/**
 * The root of an empty tree. It hashes to the placeholder (spec §1.7) and is written at
 * {@code (v, [])} when a version leaves the tree empty, so that every version has a root.
 */
public final class NullNode implements Node {
    /** The only instance. */
    public static final NullNode INSTANCE = new NullNode();

    private NullNode() {}

    @Override
    public byte[] hash() {
        return JmtHasher.placeholder();
    }

    @Override
    public long leafCount() {
        return 0;
    }

    @Override
    public String toString() {
        return "NullNode";
    }
}
