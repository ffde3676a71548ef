package io.dexnode.node.producer;

import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.EngineHaltedException;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.health.ConsistencyCheck;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that touches the engine. Transactions wait in a bounded queue; a block is cut
 * when {@code blockTxs} are waiting or {@code blockMs} after the first of them arrived (group
 * commit), executed and committed; then the market data is republished, each waiting request is
 * answered with its result, and the block's events go to the stream.
 *
 * <p>Invariants: a request is answered only after its block is committed; a full queue refuses at
 * once (never drops silently); if the engine halts, every waiting request fails with 503 and the
 * node stops (memory may be ahead of disk; a restart recovers from disk).
 */
public final class BlockProducer {
    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);

    /** A queued transaction and the request waiting for it. */
    private record Submission(Tx tx, CompletableFuture<TxOutcome> answer) {
    }

    private final Engine engine;
    private final int blockMs;
    private final int blockTxs;
    private final int checkEveryBlocks;
    private final ArrayBlockingQueue<Submission> queue;
    private final MarketDataPublisher publisher;
    private final Consumer<BlockEvents> stream;
    private final NodeHealth health;
    private final NodeMetrics metrics;
    private final ProducerHook hook;
    private final Runnable onHalt;
    private final Thread thread;
    private volatile boolean stopping;
    private long lastTime;
    private long blocksSinceCheck;
    private Runnable afterHealthyCheck = () -> { };
    private volatile boolean started;

    /**
     * @param onHalt called on the producer thread after the engine halted and every request was failed
     *               (the node's default exits the process)
     */
    public BlockProducer(Engine engine, int blockMs, int blockTxs, int queueCapacity, int checkEveryBlocks,
                         MarketDataPublisher publisher, Consumer<BlockEvents> stream, NodeHealth health,
                         NodeMetrics metrics, ProducerHook hook, Runnable onHalt) {
        this.engine = engine;
        this.blockMs = blockMs;
        this.blockTxs = blockTxs;
        this.checkEveryBlocks = checkEveryBlocks;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.publisher = publisher;
        this.stream = stream;
        this.health = health;
        this.metrics = metrics;
        this.hook = hook;
        this.onHalt = onHalt;
        this.thread = new Thread(this::run, "dexnode-block-producer");
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** Transactions waiting for a block. */
    public int queueDepth() {
        return queue.size();
    }

    /**
     * Queues {@code tx}; the future completes after its block is committed.
     *
     * @throws NodeUnavailableException at once when the queue is full or the node is not accepting
     */
    public CompletableFuture<TxOutcome> submit(Tx tx) {
        if (stopping || !health.accepting()) {
            throw new NodeUnavailableException(health.isHalted() ? "the node halted; it must be restarted"
                    : "the node is not accepting transactions (" + health.reason() + ")");
        }
        CompletableFuture<TxOutcome> answer = new CompletableFuture<>();
        if (!queue.offer(new Submission(tx, answer))) {
            throw new NodeUnavailableException("the transaction queue is full (" + queue.remainingCapacity()
                    + " free); try again shortly");
        }
        return answer;
    }

    /**
     * Stops taking transactions, executes every one already queued, and waits for the thread to end.
     */
    public void stop() throws InterruptedException {
        stopping = true;
        thread.join();
        // A submit that raced with the stop may have queued after the thread's last poll.
        failAll(new ArrayList<>(), "the node is shutting down");
    }

    private void run() {
        List<Submission> batch = new ArrayList<>(blockTxs);
        try {
            while (true) {
                Submission first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                fill(batch);
                if (!cut(batch)) {
                    return;
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failAll(batch, "the block producer was interrupted");
        }
    }

    private void fill(List<Submission> batch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(blockMs);
        while (batch.size() < blockTxs) {
            queue.drainTo(batch, blockTxs - batch.size());
            if (batch.size() >= blockTxs || stopping) {
                return;
            }
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            Submission next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    /** Executes and commits one block; false when the engine halted. */
    private boolean cut(List<Submission> batch) throws InterruptedException {
        long height = engine.height() + 1;
        hook.beforeBlock(height);
        // The block time: the one wall-clock read, and it goes into the block (never moves backwards).
        long time = Math.max(lastTime, System.currentTimeMillis());
        lastTime = time;
        List<Tx> txs = new ArrayList<>(batch.size());
        for (Submission s : batch) {
            txs.add(s.tx());
        }
        BlockResult result;
        try {
            result = engine.executeBlock(height, time, txs);
        } catch (EngineHaltedException e) {
            halt(batch, e);
            return false;
        } catch (RuntimeException e) {
            halt(batch, new EngineHaltedException("block " + height + " failed: " + e.getMessage(), e));
            return false;
        }
        metrics.blockCommitted(txs.size(), result.executeNanos(), result.commitNanos());
        BlockEvents events = publisher.publish(result);
        for (int i = 0; i < batch.size(); i++) {
            TxResult r = result.results().get(i);
            if (!r.accepted()) {
                metrics.rejected(r.rejection().code());
            }
            batch.get(i).answer().complete(new TxOutcome(height, time, r));
        }
        stream.accept(events);
        if (++blocksSinceCheck >= checkEveryBlocks) {
            blocksSinceCheck = 0;
            checkConsistency();
        }
        return true;
    }

    /** Runs the book-vs-index check now, on this thread if it is the producer (or before it started). */
    public void checkConsistency() {
        String problem = ConsistencyCheck.run(engine);
        if (problem != null) {
            LOG.error("consistency check failed: {}", problem);
        }
        health.consistencyChecked(problem);
        if (problem == null && started) {
            afterHealthyCheck.run();
        }
    }

    /**
     * What to do after a periodic consistency check passes (the node writes its warm book
     * snapshot then, so a snapshot is only ever taken of books known to agree with state). Set
     * before {@link #start}.
     */
    public void afterHealthyCheck(Runnable action) {
        this.afterHealthyCheck = action;
    }

    private void halt(List<Submission> batch, EngineHaltedException e) {
        stopping = true;
        health.halted(e.getMessage());
        LOG.error("ENGINE HALTED at height {}: {}. Memory may be ahead of disk; the node stops now and a restart "
                + "recovers from the last committed block.", engine.height() + 1, e.getMessage(), e);
        failAll(batch, "the node halted: " + e.getMessage());
        onHalt.run();
    }

    private void failAll(List<Submission> batch, String why) {
        NodeUnavailableException failure = new NodeUnavailableException(why);
        for (Submission s : batch) {
            s.answer().completeExceptionally(failure);
        }
        List<Submission> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Submission s : rest) {
            s.answer().completeExceptionally(failure);
        }
    }
}
