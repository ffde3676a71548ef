package io.dexnode.node.producer;

import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.TxResult;
import io.dexnode.node.health.ConsistencyCheck;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a durable block on the thread that executes blocks, in one place for the single
 * node's producer and a replica's apply thread: the durable height for health, the block's
 * metrics (its risk pass's among them), the market data republished; then, once its requests are
 * answered, its events to the stream (its liquidations too, on the {@code liquidations} channel)
 * and, every {@code checkEveryBlocks} blocks, the book-vs-state consistency check.
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

    public BlockPublication(Engine engine, MarketDataPublisher publisher, Consumer<BlockEvents> stream, NodeHealth health,
                            NodeMetrics metrics, int checkEveryBlocks) {
        this.engine = engine;
        this.publisher = publisher;
        this.stream = stream;
        this.health = health;
        this.metrics = metrics;
        this.checkEveryBlocks = checkEveryBlocks;
    }

    /** A block is durable: records it and republishes the market data; returns its events for {@link #streamed}. */
    public BlockEvents committed(BlockResult result) {
        health.committed(result.header().height());
        metrics.blockCommitted(result.results().size(), result.executeNanos(), result.commitNanos());
        metrics.riskPass(result.risk());
        for (TxResult r : result.results()) {
            if (!r.accepted()) {
                metrics.rejected(r.rejection().code());
            }
        }
        return publisher.publish(result);
    }

    /** The block's requests are answered: streams its events and runs the check when one is due. */
    public void streamed(BlockEvents events) {
        stream.accept(events);
        if (++blocksSinceCheck >= checkEveryBlocks) {
            blocksSinceCheck = 0;
            checkConsistency();
        }
    }

    /**
     * Runs the book-vs-index check now, on the thread that executes blocks: a market whose book
     * disagrees with state is rebuilt from state (and its market data republished) before the next
     * block; readiness is withdrawn only if a problem remains. After a passing check of a running
     * node, the {@link #afterHealthyCheck} action runs.
     */
    public void checkConsistency() {
        String problem = ConsistencyCheck.run(engine, metrics, publisher::refresh);
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

    /** From now on checks are periodic ones of a serving node. */
    public void running() {
        periodic = true;
    }
}
