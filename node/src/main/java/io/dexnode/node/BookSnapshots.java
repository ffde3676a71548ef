package io.dexnode.node;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.state.DaemonExecutors;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's warm book snapshots. The periodic one is captured on the thread that executes
 * blocks (a copy of the books, a few milliseconds) and compressed, written and fsynced on a thread
 * of its own, so blocks go on meanwhile: on the block thread the whole write took 15-50 ms every
 * thousand blocks, and every request waiting for a block waited that long. The one at shutdown is
 * written at once, after the background one finished. A failed write is logged, not fatal: the
 * next start rebuilds from state (or uses the previous snapshot).
 *
 * <p>Invariants: at most one snapshot is being written at a time (a periodic one due while the
 * previous is still being written is skipped); every snapshot shows the books at the height it is
 * stamped with.
 */
final class BookSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BookSnapshots.class);

    private final Path dir;
    private final ExecutorService writer = DaemonExecutors.single("dexnode-book-snapshots");
    /** The write in the background, or null. */
    private volatile Future<?> writing;

    BookSnapshots(Path data) {
        this.dir = NodeStartup.snapshotDir(data);
    }

    /** Captures the books now and writes them in the background; skipped while the previous write runs. Engine thread. */
    void writeInBackground(Engine engine) {
        if (busy(engine.height())) {
            return;
        }
        long t0 = System.nanoTime();
        BookSnapshotWriter.Captured books;
        try {
            books = BookSnapshotWriter.capture(engine);
        } catch (RuntimeException e) {
            LOG.warn("could not capture the book snapshot: {}", e.toString());
            return;
        }
        long copying = System.nanoTime() - t0;
        writing = writer.submit(() -> write(books, t0, copying));
    }

    /**
     * Writes books captured earlier (by the consistency check that found them agreeing with state)
     * in the background; skipped while the previous write runs. Engine thread.
     */
    void writeInBackground(BookSnapshotWriter.Captured books) {
        if (busy(books.version())) {
            return;
        }
        long t0 = System.nanoTime();
        writing = writer.submit(() -> write(books, t0, -1));
    }

    private boolean busy(long height) {
        Future<?> previous = writing;
        if (previous != null && !previous.isDone()) {
            LOG.info("book snapshot at height {} skipped: the previous one is still being written", height);
            return true;
        }
        return false;
    }

    /** Waits for a background write, then writes the books now; the file, or null if it failed. Engine thread. */
    Path writeNow(Engine engine) {
        awaitBackground();
        long t0 = System.nanoTime();
        try {
            return write(BookSnapshotWriter.capture(engine), t0, -1);
        } catch (RuntimeException e) {
            LOG.warn("could not capture the book snapshot: {}", e.toString());
            return null;
        }
    }

    /** Writes captured books; {@code copyingNanos} is how long the capture held the block thread (negative: not asked). */
    private Path write(BookSnapshotWriter.Captured books, long t0, long copyingNanos) {
        try {
            Path file = books.writeTo(dir);
            LOG.info("wrote book snapshot {} in {} ms{}", file.getFileName(), (System.nanoTime() - t0) / 1_000_000,
                    copyingNanos < 0 ? "" : " (" + copyingNanos / 1_000_000 + " ms of it copying the books between blocks)");
            return file;
        } catch (RuntimeException e) {
            LOG.warn("could not write the book snapshot at height {}: {}", books.version(), e.toString());
            return null;
        }
    }

    private void awaitBackground() {
        Future<?> w = writing;
        if (w == null) {
            return;
        }
        try {
            w.get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("the background book snapshot did not finish: {}", e.toString());
        }
    }

    /** Lets a background write finish, then stops the thread. */
    @Override
    public void close() {
        awaitBackground();
        writer.shutdown();
    }
}
