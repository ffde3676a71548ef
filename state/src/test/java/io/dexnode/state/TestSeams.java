package io.dexnode.state;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** Test seams a test sets while the store runs: slow or held writes and persists, a failing write. */
class TestSeams implements StoreSeams {
    private volatile int writeDelayMillis;
    private volatile CountDownLatch writeHold;
    private volatile String failNextWrite;
    private volatile int persistDelayMillis;
    private volatile CountDownLatch persistHold;

    /** The writer sleeps this long before each commit's write, so that commits overlap their writes for sure. */
    void delayWrites(int millis) {
        writeDelayMillis = millis;
    }

    /** The writer waits for {@code release} before each write: a commit stays in flight for as long as a test needs. */
    void holdWrites(CountDownLatch release) {
        writeHold = release;
    }

    /** The next commit's write fails as an I/O error would. */
    void failNextWrite(String message) {
        failNextWrite = message;
    }

    /** Each tree persist sleeps this long before it writes. */
    void delayPersists(int millis) {
        persistDelayMillis = millis;
    }

    /** Each tree persist waits for {@code release} before it writes. */
    void holdPersists(CountDownLatch release) {
        persistHold = release;
    }

    @Override
    public void beforeCommitWrite(long version) throws Exception {
        String fail = failNextWrite;
        if (fail != null) {
            failNextWrite = null;
            throw new IOException(fail);
        }
        if (writeDelayMillis > 0) {
            Thread.sleep(writeDelayMillis);
        }
        CountDownLatch hold = writeHold;
        if (hold != null) {
            hold.await();
        }
    }

    @Override
    public void beforeTreePersist(long version) throws Exception {
        if (persistDelayMillis > 0) {
            Thread.sleep(persistDelayMillis);
        }
        CountDownLatch hold = persistHold;
        if (hold != null) {
            hold.await();
        }
    }
}
