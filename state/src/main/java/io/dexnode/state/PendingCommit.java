package io.dexnode.state;

import java.util.concurrent.CompletableFuture;

/**
 * A commit whose root is computed and whose atomic write may still be under way: {@code durable}
 * completes when the version is on disk (fsynced when the store fsyncs), or exceptionally with a
 * {@link StateException} when its write failed — the store is then failed, as after any failed
 * commit. Nothing that depends on the version may be acknowledged before {@code durable} completes.
 */
public record PendingCommit(long version, byte[] root, CompletableFuture<Void> durable) {

    /** Waits until the version is durable; rethrows the write's failure as a {@link StateException}. */
    public void awaitDurable() {
        try {
            durable.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof StateException se) {
                throw new StateException(se.getMessage(), se);
            }
            throw new StateException("the write of version " + version + " failed: " + cause, cause);
        }
    }
}
