package io.dexnode.node.producer;

import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.EngineHaltedException;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.api.AdmittedTx;
import io.dexnode.node.api.TxService;
import io.dexnode.node.health.BackgroundCheck;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that touches the engine. Transactions wait in a bounded queue; a block is cut
 * when {@code blockTxs} are waiting or {@code blockMs} after the first of them arrived (group
 * commit), executed and committed, and its market data read from the books before the next block
 * executes; once it is durable the market data is republished, each waiting request is answered
 * with its result, and the block's events go to the stream — on a thread of its own, whatever
 * this one is doing. Blocks are pipelined: block N's RocksDB write runs while
 * block N+1 executes, and N is answered as soon as it is durable.
 *
 * <p>Invariants: a request is answered only after its block is committed; a full queue refuses at
 * once (never drops silently); if a block fails (its commit, its execution, or anything else on
 * this thread), every waiting request fails with 503 and the node stops (memory may be ahead of
 * disk; a restart recovers from disk). From that failure on this thread reads neither the engine
 * nor the store: a store whose write failed throws on every call.
 */
public final class BlockProducer implements TxService.Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);
    private static final Pattern LINE_BREAKS = Pattern.compile("\\R+");

    /** A queued transaction, the request waiting for it, and when it was queued ({@link #nanoClock}). */
    private record Submission(Tx tx, CompletableFuture<TxOutcome> answer, long queuedNanos) {
    }

    private final Engine engine;
    private final int blockMs;
    private final int blockTxs;
    private final BlockPublication publication;
    private final ArrayBlockingQueue<Submission> queue;
    private final NodeHealth health;
    private final NodeMetrics metrics;
    private final ProducerHook hook;
    private final Consumer<String> onHalt;
    private final Thread thread;
    /**
     * Answers durable blocks, one at a time in height order: neither the store's writer (the next
     * block's write waits behind it) nor this thread (busy with the next block) does it.
     */
    private final ExecutorService answering;
    /** Where block windows are timed from: {@link System#nanoTime} but in tests. */
    private final LongSupplier nanoClock;
    private volatile boolean stopping;
    /** The last block's time: block times never move backwards, across restarts included. */
    private long lastTime;
    /** The last block cut (producer thread only): the next height, known without asking the store. */
    private long lastHeight;
    /** Why the node halted, on one line; null while it runs (producer thread only). */
    private String haltCause;

    /**
     * @param onHalt called once, last, on the producer thread after a block failed and every waiting
     *               request was failed, with the cause on one line (the node's exits the process)
     */
    public BlockProducer(Engine engine, int blockMs, int blockTxs, int queueCapacity, int checkEveryBlocks,
                         MarketDataPublisher publisher, Consumer<BlockEvents> stream, NodeHealth health,
                         NodeMetrics metrics, ProducerHook hook, Consumer<String> onHalt) {
        this(engine, blockMs, blockTxs, queueCapacity, checkEveryBlocks, publisher, stream, health, metrics, hook, onHalt,
                System::nanoTime);
    }

    /** As above, with block windows timed by {@code nanoClock} (a test's clock). */
    BlockProducer(Engine engine, int blockMs, int blockTxs, int queueCapacity, int checkEveryBlocks,
                  MarketDataPublisher publisher, Consumer<BlockEvents> stream, NodeHealth health,
                  NodeMetrics metrics, ProducerHook hook, Consumer<String> onHalt, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.engine = engine;
        this.blockMs = blockMs;
        this.blockTxs = blockTxs;
        this.publication = new BlockPublication(engine, publisher, stream, health, metrics, checkEveryBlocks);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.health = health;
        this.metrics = metrics;
        this.hook = hook;
        this.onHalt = onHalt;
        this.thread = new Thread(this::run, "dexnode-block-producer");
        this.answering = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dexnode-block-answers");
            t.setDaemon(true);
            return t;
        });
        this.lastHeight = engine.height();
        BlockHeader last = lastHeight < 0 ? null : BlockRecords.header(engine.store(), lastHeight);
        this.lastTime = last == null ? 0 : last.time();
    }

    public void start() {
        publication.running();
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
    @Override
    public CompletableFuture<TxOutcome> submit(AdmittedTx tx) {
        return submit(tx.tx());
    }

    public CompletableFuture<TxOutcome> submit(Tx tx) {
        if (stopping || !health.accepting()) {
            throw new NodeUnavailableException(health.isHalted() ? haltedMessage()
                    : "the node is not accepting transactions (" + health.reason() + ")");
        }
        CompletableFuture<TxOutcome> answer = new CompletableFuture<>();
        Submission s = new Submission(tx, answer, nanoClock.getAsLong());
        if (!queue.offer(s)) {
            throw new NodeUnavailableException("the transaction queue is full (" + queue.remainingCapacity()
                    + " free); try again shortly");
        }
        // A halt or a stop drains the queue after marking the node: one queued after that drain is taken
        // back here (else nothing would ever answer it).
        if ((health.isHalted() || stopping) && queue.remove(s)) {
            throw new NodeUnavailableException(health.isHalted() ? haltedMessage() : "the node is shutting down");
        }
        return answer;
    }

    private String haltedMessage() {
        return "the node " + health.reason() + "; it must be restarted";
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
        try {
            produce();
        } finally {
            answering.shutdown();
        }
        if (haltCause != null) {
            failAll(List.of(), "the node halted: " + haltCause);
            onHalt.accept(haltCause);
        }
    }

    private void produce() {
        List<Submission> batch = new ArrayList<>(blockTxs);
        try {
            while (true) {
                // With a block in flight and nothing waiting, wait for its write (the answering thread answers it).
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
                    publication.beforeBlock(); // idle: a background check's outcome is acted on now
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
        } catch (RuntimeException | Error e) {
            // Anything else escaping a block ends the node too: this is the one thread that moves the engine.
            halt(batch, e);
        }
    }

    /**
     * Adds waiting transactions to {@code batch} until it holds {@code blockTxs} or {@code blockMs}
     * have passed since its first transaction was queued — not since the producer took it: one
     * queued while the block before was executing has been waiting all that time already.
     */
    private void fill(List<Submission> batch) throws InterruptedException {
        long deadline = batch.get(0).queuedNanos() + TimeUnit.MILLISECONDS.toNanos(blockMs);
        while (batch.size() < blockTxs) {
            queue.drainTo(batch, blockTxs - batch.size());
            if (batch.size() >= blockTxs || stopping) {
                return;
            }
            long wait = deadline - nanoClock.getAsLong();
            if (wait <= 0) {
                return;
            }
            if (pending != null && pending.answered().isDone()) {
                // The answering thread has answered it: only its periodic check is left.
                if (!finishPending()) {
                    failAll(batch, "the node halted: " + haltCause);
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

    /**
     * A block executed and committed, its write possibly still under way, and the requests it
     * answers; {@code answered} completes once they are (exceptionally if the write or the answering failed).
     */
    private record Pending(Engine.PendingBlock block, List<Submission> batch, CompletableFuture<Void> answered) {
    }

    /** The block whose write is under way while the next one executes (producer thread only). */
    private Pending pending;

    /**
     * Executes and commits one block, its write overlapping the next block's execution; the block
     * before it is answered once durable. False when the node halted.
     */
    private boolean cut(List<Submission> batch) throws InterruptedException {
        if (haltCause != null) {
            failAll(batch, "the node halted: " + haltCause);
            return false;
        }
        long height = lastHeight + 1;
        hook.beforeBlock(height);
        // The block time: the one wall-clock read, and it goes into the block (never moves backwards).
        long time = Math.max(lastTime, System.currentTimeMillis());
        lastTime = time;
        List<Tx> txs = new ArrayList<>(batch.size());
        for (Submission s : batch) {
            txs.add(s.tx());
        }
        publication.beforeBlock();
        Engine.PendingBlock block;
        BlockEvents events;
        try {
            block = engine.executeBlockPipelined(height, time, txs);
            events = publication.prepare(block.result());
        } catch (RuntimeException e) {
            // The block in flight does not depend on this one: answer it if it landed (if it did not,
            // its failure is the cause, and this block's is a consequence).
            finishPending();
            halt(batch, e instanceof EngineHaltedException h ? h
                    : new EngineHaltedException("block " + height + " failed: " + e.getMessage(), e));
            return false;
        }
        lastHeight = height;
        // Handed to the answering thread where the write completes, or here if it already has:
        // blocks complete in height order, so their answers and events go out in that order.
        CompletableFuture<Void> answered = block.durable().thenRunAsync(() -> answer(block.result(), events, batch, time), answering);
        if (!finishPending()) {
            failAll(batch, "the node halted: " + haltCause);
            return false;
        }
        pending = new Pending(block, batch, answered);
        if (stopping && queue.isEmpty()) {
            return finishPending();
        }
        return true;
    }

    /** A durable block: its market data shown, its requests answered, its events streamed. */
    private void answer(BlockResult result, BlockEvents events, List<Submission> batch, long time) {
        publication.durable(result, events);
        long height = result.header().height();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(new TxOutcome(height, time, result.results().get(i)));
        }
        publication.stream(events);
    }

    /**
     * Waits until the block in flight is durable and answered, then runs the periodic check when
     * one is due. False when its write failed (the engine is halted, its requests failed, the node
     * stopping); a failure to answer it is thrown.
     */
    private boolean finishPending() {
        Pending p = pending;
        if (p == null) {
            return true;
        }
        try {
            p.block().awaitDurable();
        } catch (EngineHaltedException e) {
            halt(List.of(), e); // fails p's requests with the rest
            return false;
        }
        try {
            p.answered().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        // Answered: from here a failure (of the check below) no longer concerns these requests.
        pending = null;
        publication.checkIfDue();
        return true;
    }

    /**
     * Runs the book-vs-index check now, on this thread if it is the producer (or before it started):
     * a market whose book disagrees with state is rebuilt from state (and its market data
     * republished) before the next block is cut; readiness is withdrawn only if a problem remains.
     */
    public void checkConsistency() {
        publication.checkConsistency();
    }

    /** Periodic checks scan state beside the block thread (see {@link BlockPublication#checkInBackground}). Set before {@link #start}. */
    public void checkInBackground(BackgroundCheck check, Consumer<BookSnapshotWriter.Captured> afterHealthy) {
        publication.checkInBackground(check, afterHealthy);
    }

    /**
     * What to do after a periodic consistency check passes (the node writes its warm book
     * snapshot then, so a snapshot is only ever taken of books known to agree with state). Set
     * before {@link #start}.
     */
    public void afterHealthyCheck(Runnable action) {
        publication.afterHealthyCheck(action);
    }

    /**
     * Stops producing after a failure: marks the node halted (readiness 503, submissions refused),
     * logs the cause once and fails {@code batch}, the block in flight and everything queued with
     * 503. Reads nothing from the engine or the store, either of which may be what failed;
     * {@link #run} then hands the cause to {@code onHalt}.
     */
    private void halt(List<Submission> batch, Throwable e) {
        if (haltCause == null) {
            String cause = e instanceof EngineHaltedException ? e.getMessage() : "the block producer failed: " + e;
            haltCause = LINE_BREAKS.matcher(String.valueOf(cause)).replaceAll(" ");
            stopping = true;
            health.halted(haltCause);
            LOG.error("NODE HALTED: {}. Memory may be ahead of disk: no further block is executed, the waiting requests get 503 "
                    + "and the node exits; a restart recovers from the last committed block.", haltCause, e);
        }
        String why = "the node halted: " + haltCause;
        Pending p = pending;
        pending = null;
        if (p != null) {
            failAll(p.batch(), why);
        }
        failAll(batch, why);
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
