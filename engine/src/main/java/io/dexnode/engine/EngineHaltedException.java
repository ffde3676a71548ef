package io.dexnode.engine;

/**
 * The engine stopped: a commit failed or an invariant broke, so memory may be ahead of disk. The
 * node must stop; a restart recovers from the last committed block.
 */
public final class EngineHaltedException extends RuntimeException {
    public EngineHaltedException(String message, Throwable cause) {
        super(message, cause);
    }
}
