package io.dexnode.state;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seams a store runs with: the ones injected at open, plus one failure that can be armed
 * while the store runs (a test in another module reaches it through the package: it makes the
 * next commit's write fail as a full disk would). Unarmed, it only delegates.
 */
final class ArmedWriteFailure implements StoreSeams {
    private final StoreSeams injected;
    private final AtomicReference<String> armed = new AtomicReference<>();

    ArmedWriteFailure(StoreSeams injected) {
        this.injected = injected;
    }

    /** The next commit's write fails with {@code message}, as an I/O error would. */
    void arm(String message) {
        armed.set(message);
    }

    @Override
    public void beforeCommitWrite(long version) throws Exception {
        String message = armed.getAndSet(null);
        if (message != null) {
            throw new IOException(message);
        }
        injected.beforeCommitWrite(version);
    }

    @Override
    public void beforeTreePersist(long version) throws Exception {
        injected.beforeTreePersist(version);
    }

    @Override
    public void betweenTreePersistWrites(long version) throws Exception {
        injected.betweenTreePersistWrites(version);
    }
}
