package io.dexnode.node.health;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.BookVerifier;
import io.dexnode.state.DaemonExecutors;
import io.dexnode.state.StateStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic book-vs-state check with its slow half off the block thread. Between blocks, on
 * the block thread, {@link #start} pins state at the committed height (once that height is on
 * disk) and captures the books — a copy that digests every book as it goes; on a thread of its
 * own, each market's ActiveOrder index is then scanned in the pinned view and compared with the
 * captured digest, and the books' total with the resting count. The block thread collects the
 * outcome at a later block ({@link #poll}) and acts on it there, as before: a pass is reported to
 * health and the captured books become the warm snapshot; a disagreement makes it run the full
 * check ({@link ConsistencyCheck}) at once, which repairs between blocks. On the block thread the
 * scan took 15–22 ms every thousand blocks, and every request waiting for a block waited as long.
 *
 * <p>Invariants: at most one check in flight or unread (one falling due meanwhile is skipped); the
 * pinned view is always closed; a check whose scan fails (the store closed under it, a record that
 * does not decode) is reported as such, and the block thread checks again itself (where a failure
 * stops the node, as before).
 */
public final class BackgroundCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundCheck.class);

    /** What {@link #start} did. */
    public enum Start {
        /** The check runs; its outcome comes through {@link #poll}. */
        STARTED,
        /** The previous check is still running, or its outcome not yet acted on: this one is skipped. */
        BUSY,
        /** The store cannot pin a view: the caller checks on the block thread instead. */
        UNSUPPORTED
    }

    /**
     * A finished check: the books it captured, what disagreed (null when nothing did), why the scan
     * could not finish (null when it did: then {@code problem} is its verdict), and how long the
     * block thread spent pinning and capturing and the check's thread scanning.
     */
    public record Outcome(BookSnapshotWriter.Captured books, String problem, String failure, long blockThreadNanos,
                          long scanNanos) {
        /** Whether the books agreed with state: a verdict, and a pass. */
        public boolean passed() {
            return failure == null && problem == null;
        }
    }

    private final Engine engine;
    private final StateStore state;
    private final ExecutorService thread = DaemonExecutors.single("dexnode-consistency-check");
    private final AtomicReference<Outcome> finished = new AtomicReference<>();
    /** The check in flight, or null (block thread only). */
    private Future<?> running;

    public BackgroundCheck(Engine engine, StateStore state) {
        this.engine = engine;
        this.state = state;
    }

    /** Block thread, between blocks: starts a check of the books as they are now. */
    public Start start() {
        if (running != null && !running.isDone() || finished.get() != null) {
            // Still scanning, or its outcome not yet acted on (it will be, before the next block).
            LOG.info("consistency check at height {} skipped: the previous one is still running or not yet acted on",
                    engine.height());
            return Start.BUSY;
        }
        long t0 = System.nanoTime();
        StateStore.DurableView view = state.durableView();
        if (view == null) {
            return Start.UNSUPPORTED;
        }
        BookSnapshotWriter.Captured books;
        try {
            books = BookSnapshotWriter.capture(engine);
        } catch (RuntimeException | Error e) {
            view.close();
            throw e;
        }
        if (books.version() != view.version()) {
            // Not expected between blocks (the pinned version is the committed one); never compare across heights.
            LOG.warn("consistency check: books at height {} but state pinned at {}; checking on the block thread",
                    books.version(), view.version());
            view.close();
            return Start.UNSUPPORTED;
        }
        long blockThread = System.nanoTime() - t0;
        running = thread.submit(() -> check(books, view, blockThread));
        return Start.STARTED;
    }

    private void check(BookSnapshotWriter.Captured books, StateStore.DurableView view, long blockThreadNanos) {
        long t0 = System.nanoTime();
        Outcome outcome;
        try (view) {
            String problem = BookVerifier.capturedProblem(books, view);
            outcome = new Outcome(books, problem, null, blockThreadNanos, System.nanoTime() - t0);
        } catch (Throwable e) {
            // Whatever it was (the store closed under the scan, or a record that does not decode), the
            // block thread checks again itself, where a failure stops the node as it always did.
            LOG.warn("consistency check at height {} could not scan state beside the block thread", books.version(), e);
            outcome = new Outcome(books, null, e.toString(), blockThreadNanos, System.nanoTime() - t0);
        }
        finished.set(outcome);
    }

    /** Block thread: the outcome of a check that finished since the last call, or null. */
    public Outcome poll() {
        return finished.getAndSet(null);
    }

    /**
     * Whether a finished check that nobody acted on did not pass (after {@link #close}, before the
     * node writes its shutdown snapshot: books a check found wrong are not written).
     */
    public boolean unreadFailure() {
        Outcome o = finished.get();
        return o != null && !o.passed();
    }

    /** Waits (bounded) for a check in flight, then stops the thread; call before the store closes. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("the consistency check still runs after a minute; stopping without it");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
