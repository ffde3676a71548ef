package io.dexnode.node.cluster;

/**
 * This replica may not apply another entry: its state diverged from the leader's, or it is on
 * another chain. Thrown from the apply thread, it stops the replica's Raft server; the node keeps
 * answering health checks (not ready, with the reason) so that an operator sees why.
 */
public final class ReplicaStoppedException extends RuntimeException {
    public ReplicaStoppedException(String message) {
        super(message);
    }
}
