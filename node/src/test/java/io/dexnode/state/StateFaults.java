package io.dexnode.state;

/**
 * The state store's failure-injection seam ({@code StateManager.injectWriteFailure}, package-private:
 * not for production callers), reached from the node's tests, which live in another module: a node
 * test makes the real store fail its next write the way a full disk does, and then refuse every call.
 */
public final class StateFaults {
    private StateFaults() {
    }

    /** The next commit's RocksDB write fails with {@code message}, as an I/O error (ENOSPC, EIO) would. */
    public static void failNextWrite(StateStore store, String message) {
        ((StateManager) store).injectWriteFailure(message);
    }
}
