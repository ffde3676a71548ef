package io.dexnode.node.producer;

import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.node.health.BackgroundCheck;
import io.dexnode.node.health.ConsistencyCheck;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a durable block, in one place for the single node's producer and a replica's apply
 * thread: the durable height for health, the block's metrics (its risk pass's among them), the
 * market data republished (read from the books on the thread that executes blocks, before the next
 * block executes: {@link #prepare}); then, once its requests are answered, its events to the stream
 * (its liquidations too, on the {@code liquidations} channel) and, every {@code checkEveryBlocks}
 * blocks, the book-vs-state consistency check — on the block thread, or with its scan of state on a
 * thread of its own ({@link #checkInBackground}), acted on there at a later block. The producer
 * runs {@link #durable} and {@link #stream} on a thread of its own once the block's write
 * completes, so that its answers do not wait for the next block's execution.
 */
public final class BlockPublication {
    private static final Logger LOG = LoggerFactory.getLogger(BlockPublication.class);

    private final Engine engine;
    private final MarketDataPublisher publisher;
    private final Consumer<BlockEvents> stream;
    private final NodeHealth health;
    private final NodeMetrics metrics;
    private final int checkEveryBlocks;
    private long blocksSinceCheck;
    private volatile Runnable afterHealthyCheck = () -> { };
    private volatile boolean periodic;
    private volatile BackgroundCheck background;
    /** The height of the last check run on this thread: a background outcome older than it is stale. */
    private long lastCheckedHere = Long.MIN_VALUE;
    private volatile Consumer<BookSnapshotWriter.Captured> afterHealthyBooks = books -> { };

    public BlockPublication(Engine engine, MarketDataPublisher publisher, Consumer<BlockEvents> stream, NodeHealth health,
                            NodeMetrics metrics, int checkEveryBlocks) {
        this.engine = engine;
        this.publisher = publisher;
        this.stream = stream;
        this.health = health;
        this.metrics = metrics;
        this.checkEveryBlocks = checkEveryBlocks;
    }

    /**
     * A block is durable: records it and republishes the market data; returns its events for
     * {@link #streamed}. For a block that executed on this thread and nothing after it yet.
     */
    public BlockEvents committed(BlockResult result) {
        BlockEvents events = prepare(result);
        durable(result, events);
        return events;
    }

    /**
     * Right after {@code result}'s block executed, before the next one does: its market data and
     * events, read from the books, for {@link #durable} once it is (readers do not see them before).
     */
    public BlockEvents prepare(BlockResult result) {
        return publisher.prepare(result);
    }

    /**
     * The block is durable: records its height and metrics and shows its market data. Any thread,
     * blocks in height order.
     */
    public void durable(BlockResult result, BlockEvents events) {
        health.committed(result.header().height());
        metrics.blockCommitted(result.results().size(), result.executeNanos(), result.commitNanos());
        metrics.riskPass(result.risk());
        for (TxResult r : result.results()) {
            if (!r.accepted()) {
                metrics.rejected(r.rejection().code());
            }
        }
        publisher.install(events);
    }

    /** The block's requests are answered: streams its events and runs the check when one is due. */
    public void streamed(BlockEvents events) {
        stream(events);
        checkIfDue();
    }

    /** Hands a durable block's events, once its requests are answered, to the stream. Any thread, blocks in height order. */
    public void stream(BlockEvents events) {
        stream.accept(events);
    }

    /** After a block was streamed, on the block thread: the book-vs-state check, every {@code checkEveryBlocks} blocks. */
    public void checkIfDue() {
        if (++blocksSinceCheck >= checkEveryBlocks) {
            blocksSinceCheck = 0;
            BackgroundCheck check = background;
            if (check == null || !periodic || check.start() == BackgroundCheck.Start.UNSUPPORTED) {
                checkConsistency();
            }
        }
    }

    /**
     * Before the next block executes (and when idle): acts on a background check that finished,
     * so that once a check has found a book disagreeing with state, it is rebuilt before any further
     * block trades against it (the blocks cut while the scan ran did, as every block before a check).
     */
    public void beforeBlock() {
        BackgroundCheck check = background;
        if (check != null) {
            BackgroundCheck.Outcome done = check.poll();
            if (done != null) {
                checked(done);
            }
        }
    }

    /** A background check finished: a pass is reported and its books handed on; a disagreement is checked again here. */
    private void checked(BackgroundCheck.Outcome done) {
        long height = done.books().version();
        if (height <= lastCheckedHere) {
            return; // a check here at or after its height (e.g. after a replica's state was replaced) decided already
        }
        metrics.consistencyChecked(done.blockThreadNanos(), done.scanNanos());
        if (done.failure() != null) {
            LOG.warn("consistency check at height {} could not scan state beside the block thread ({}); checking every"
                    + " market now, between blocks", height, done.failure());
            checkConsistency();
            return;
        }
        if (done.problem() == null) {
            LOG.debug("consistency check at height {}: books agree with state ({} us on the block thread, {} us scanning"
                    + " state beside it)", height, done.blockThreadNanos() / 1000, done.scanNanos() / 1000);
            health.consistencyChecked(null);
            afterHealthyBooks.accept(done.books());
            return;
        }
        LOG.warn("consistency check at height {} found a book that disagrees with state ({}); checking every market again"
                + " now, between blocks", height, done.problem());
        checkConsistency();
    }

    /**
     * Runs the book-vs-index check now, on the thread that executes blocks: a market whose book
     * disagrees with state is rebuilt from state (and its market data republished) before the next
     * block; readiness is withdrawn only if a problem remains. After a passing check of a running
     * node, the {@link #afterHealthyCheck} action runs.
     */
    public void checkConsistency() {
        lastCheckedHere = engine.height();
        long t0 = System.nanoTime();
        String problem = ConsistencyCheck.run(engine, metrics, publisher::refresh);
        metrics.consistencyChecked(System.nanoTime() - t0, -1);
        if (problem != null) {
            LOG.error("consistency check failed: {}", problem);
        }
        health.consistencyChecked(problem);
        if (problem == null && periodic) {
            afterHealthyCheck.run();
        }
    }

    /**
     * What to do after a passing periodic check (the node writes its warm book snapshot then, so a
     * snapshot is only ever taken of books known to agree with state); checks before {@link #running}
     * do not run it.
     */
    public void afterHealthyCheck(Runnable action) {
        this.afterHealthyCheck = action;
    }

    /**
     * Periodic checks of a running node scan state on {@code check}'s thread from now on; one that
     * passes hands the books it captured to {@code afterHealthy} (instead of running
     * {@link #afterHealthyCheck}), on this thread. Checks asked for by name ({@link #checkConsistency})
     * and those after a disagreement still run at once, here.
     */
    public void checkInBackground(BackgroundCheck check, Consumer<BookSnapshotWriter.Captured> afterHealthy) {
        this.afterHealthyBooks = afterHealthy;
        this.background = check;
    }

    /** From now on checks are periodic ones of a serving node. */
    public void running() {
        periodic = true;
    }
}
