package io.dexnode.node.cluster;

/** A write reached a replica that does not lead; the API forwards it to the leader, or answers 503 {@code not_leader}. */
public final class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message);
    }
}
