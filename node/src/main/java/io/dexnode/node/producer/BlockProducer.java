package io.dexnode.node.producer;

import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
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
 * commit), executed and committed; once it is durable the market data is republished, each waiting
 * request is answered with its result, and the block's events go to the stream. Blocks are
 * pipelined: block N's RocksDB write runs while block N+1 executes, and N is answered as soon as
 * it is durable and N+1 has been cut (or at once, when nothing else waits).
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
    /** The last block's time: block times never move backwards, across restarts included. */
    private long lastTime;
    private long blocksSinceCheck;
    private Runnable afterHealthyCheck = () -> { };
    private volatile boolean started;
    /** Whether a halt was logged and {@code onHalt} run (producer thread only). */
    private boolean haltHandled;

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
        BlockHeader last = engine.height() < 0 ? null : BlockRecords.header(engine.store(), engine.height());
        this.lastTime = last == null ? 0 : last.time();
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
                // With a block in flight, do not sit on its answers: finish it when nothing waits.
                Submission first = pending == null ? queue.poll(50, TimeUnit.MILLISECONDS) : queue.poll();
                if (first == null) {
                    if (pending != null) {
                        if (!finishPending()) {
                            return;
                        }
                        continue;
                    }
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
                batch = new ArrayList<>(blockTxs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (pending != null) {
                failAll(pending.batch(), "the block producer was interrupted");
            }
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
            if (pending != null) {
                // About to wait for more transactions: answer the block in flight first.
                if (!finishPending()) {
                    failAll(batch, "the node halted");
                    return;
                }
                continue;
            }
            Submission next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    /** A block executed and committed, its write possibly still under way, and the requests it answers. */
    private record Pending(Engine.PendingBlock block, List<Submission> batch, long time) {
    }

    /** The block whose write is under way while the next one executes (producer thread only). */
    private Pending pending;

    /**
     * Executes and commits one block, its write overlapping the next block's execution; the block
     * before it is answered once durable. False when the engine halted.
     */
    private boolean cut(List<Submission> batch) throws InterruptedException {
        if (engine.isHalted()) {
            finishPending(); // the block in flight failed its write: this halts the node
            failAll(batch, "the node halted");
            return false;
        }
        long height = engine.height() + 1;
        hook.beforeBlock(height);
        // The block time: the one wall-clock read, and it goes into the block (never moves backwards).
        long time = Math.max(lastTime, System.currentTimeMillis());
        lastTime = time;
        List<Tx> txs = new ArrayList<>(batch.size());
        for (Submission s : batch) {
            txs.add(s.tx());
        }
        Engine.PendingBlock block;
        try {
            block = engine.executeBlockPipelined(height, time, txs);
        } catch (RuntimeException e) {
            // The block in flight does not depend on this one: answer it if it landed.
            finishPending();
            halt(batch, e instanceof EngineHaltedException h ? h
                    : new EngineHaltedException("block " + height + " failed: " + e.getMessage(), e));
            return false;
        }
        boolean ok = finishPending();
        pending = new Pending(block, batch, time);
        if (!ok) {
            failAll(batch, "the node halted");
            pending = null;
            return false;
        }
        if (stopping && queue.isEmpty()) {
            return finishPending();
        }
        return true;
    }

    /**
     * Waits until the block in flight is durable, then republishes market data, answers its
     * requests, streams its events and runs the periodic check. False when its write failed (the
     * engine is halted, its requests failed, the node stopping).
     */
    private boolean finishPending() {
        Pending p = pending;
        if (p == null) {
            return true;
        }
        pending = null;
        try {
            p.block().awaitDurable();
        } catch (EngineHaltedException e) {
            halt(p.batch(), e);
            return false;
        }
        BlockResult result = p.block().result();
        long height = result.header().height();
        metrics.blockCommitted(p.batch().size(), result.executeNanos(), result.commitNanos());
        metrics.riskPass(result.risk());
        BlockEvents events = publisher.publish(result);
        for (int i = 0; i < p.batch().size(); i++) {
            TxResult r = result.results().get(i);
            if (!r.accepted()) {
                metrics.rejected(r.rejection().code());
            }
            p.batch().get(i).answer().complete(new TxOutcome(height, p.time(), r));
        }
        stream.accept(events);
        if (++blocksSinceCheck >= checkEveryBlocks) {
            blocksSinceCheck = 0;
            checkConsistency();
        }
        return true;
    }

    /**
     * Runs the book-vs-index check now, on this thread if it is the producer (or before it started):
     * a market whose book disagrees with state is rebuilt from state (and its market data
     * republished) before the next block is cut; readiness is withdrawn only if a problem remains.
     */
    public void checkConsistency() {
        String problem = ConsistencyCheck.run(engine, metrics, publisher::refresh);
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
        if (haltHandled) {
            failAll(batch, "the node halted: " + e.getMessage());
            return;
        }
        haltHandled = true;
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
