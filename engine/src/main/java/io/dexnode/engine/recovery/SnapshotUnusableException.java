package io.dexnode.engine.recovery;

/** A warm snapshot that cannot be used; recovery falls back to state. */
final class SnapshotUnusableException extends RuntimeException {
    SnapshotUnusableException(String message) {
        super(message);
    }
}
