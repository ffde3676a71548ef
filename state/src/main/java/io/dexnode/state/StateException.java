package io.dexnode.state;

/**
 * The state store cannot do what was asked: an I/O failure, a corrupt or foreign directory, a
 * newer on-disk format, a version that is not committed or no longer retained, or a store that
 * already failed. The node treats it as fatal (memory may be ahead of disk); it is unchecked so
 * that it stops the block in flight.
 */
public class StateException extends RuntimeException {

    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
