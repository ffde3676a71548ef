package io.dexnode.node.producer;

/**
 * The node cannot take or finish a transaction right now: its queue is full, it is shutting down,
 * or it halted. Maps to 503; the client may try again (later, or after the node restarts).
 */
public final class NodeUnavailableException extends RuntimeException {
    public NodeUnavailableException(String message) {
        super(message, null, false, false);
    }
}
