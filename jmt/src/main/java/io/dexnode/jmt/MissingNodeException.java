package io.dexnode.jmt;

/**
 * A node that a stored parent refers to is absent: the store is corrupt, or the node was pruned
 * under a version that is no longer readable. A broken invariant, never a normal answer.
 */
public final class MissingNodeException extends JmtException {
    public MissingNodeException(NodeKey key) {
        super("missing node " + key + ": the store is inconsistent, or this version was pruned");
    }
}
