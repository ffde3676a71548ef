package io.dexnode.state;

import java.nio.file.Path;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Whether the store may still be used, shared by its parts. Two ways out: {@link #close} (later
 * calls are refused as "closed") and {@link #fail} (a write or a background persist failed, so
 * memory and disk may disagree: every later call is refused with the first failure's message,
 * and a restart recovers from disk).
 *
 * <p>Calls that touch RocksDB hold the read side of a lifecycle lock ({@link #enter}), so that
 * close, which takes the write side, never frees native handles under a call in flight.
 */
final class StoreGuard {
    private final Path dir;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile String failure;
    private volatile boolean closed;

    StoreGuard(Path dir) {
        this.dir = dir;
    }

    /** Throws unless the store is open and has not failed. */
    void usable() {
        if (closed) {
            throw new StateException("the state store at " + dir + " is closed");
        }
        String f = failure;
        if (f != null) {
            throw new StateException(f);
        }
    }

    /** Holds the read side of the lifecycle lock for a call that uses RocksDB; the caller unlocks. */
    Lock enter() {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            usable();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        return lock;
    }

    /** Records the first failure; returns the message the store now refuses with. */
    String fail(String message) {
        synchronized (this) {
            if (failure == null) {
                failure = message + "; the store refuses further use: restart to recover from disk";
            }
            return failure;
        }
    }

    String failure() {
        return failure;
    }

    boolean isClosed() {
        return closed;
    }

    /** Marks the store closed; true the first time. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Runs {@code release} once every call in flight has left. */
    void whenQuiet(Runnable release) {
        lifecycle.writeLock().lock();
        try {
            release.run();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
