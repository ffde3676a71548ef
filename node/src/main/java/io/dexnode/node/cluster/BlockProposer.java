package io.dexnode.node.cluster;

import io.dexnode.engine.tx.Tx;
import io.dexnode.node.api.SignedTx;
import io.dexnode.node.producer.NodeUnavailableException;
import io.dexnode.node.producer.TxOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftClientReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's block producer: admitted transactions wait in a bounded queue; a block is cut when
 * {@code blockTxs} wait, when their entry would pass {@code maxEntryBytes}, or {@code blockMs} after
 * the first arrived (group commit), and proposed as one Raft log entry. Its requests are answered
 * when the entry has been committed by a majority and applied here ({@link #applied}); if it is not
 * (leadership lost, entry overwritten, or skipped as stale) they get 503 and may be retried: the
 * nonce stops a second execution.
 *
 * <p>One entry is in flight at a time, and the next is proposed only when everything in this
 * replica's log is applied, so each entry names the height after the last applied one and carries
 * that block's root. Not-leader replicas refuse submissions (the API forwards them to the leader).
 */
public final class BlockProposer {
    private static final Logger LOG = LoggerFactory.getLogger(BlockProposer.class);
    /** How long a proposal may wait for its entry to be committed before its requests get 503. */
    private static final long COMMIT_TIMEOUT_MS = 15_000;

    /**
     * A queued transaction, the request waiting for it, what the log records of it, and when it
     * arrived ({@link System#nanoTime}): its block is cut at most {@code blockMs} after that.
     */
    public record Submission(Tx tx, SignedTx signed, CompletableFuture<TxOutcome> answer, long arrivedNanos) {
        /** A submission arriving now. */
        public Submission(Tx tx, SignedTx signed, CompletableFuture<TxOutcome> answer) {
            this(tx, signed, answer, System.nanoTime());
        }
    }

    /** What the proposer needs of the applied chain: its height, root and last block time, and a repair it waits for. */
    public interface Head {
        long height();

        byte[] root();

        long lastBlockTime();

        /** The digest of a repair this replica's state needs before any block (null: none). */
        byte[] pendingRepairDigest();
    }

    private final RaftReplica replica;
    private final Head head;
    private final byte[] genesisHash;
    private final int blockMs;
    private final int blockTxs;
    private final int maxEntryBytes;
    private final ArrayBlockingQueue<Submission> queue;
    private final LongSupplier clock;
    private final Thread thread;
    private final ConcurrentHashMap<Long, List<Submission>> inFlight = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private long proposals;
    /** A transaction taken from the queue that did not fit the block being cut (proposer thread). */
    private Submission carry;
    private long lastTime;

    public BlockProposer(RaftReplica replica, Head head, byte[] genesisHash, int blockMs, int blockTxs, int queueCapacity,
                         int maxEntryBytes, LongSupplier clock) {
        this.replica = replica;
        this.head = head;
        this.genesisHash = genesisHash.clone();
        this.blockMs = blockMs;
        this.blockTxs = blockTxs;
        this.maxEntryBytes = maxEntryBytes;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.clock = clock;
        this.thread = new Thread(this::run, "dexnode-block-proposer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public int queueDepth() {
        return queue.size();
    }

    /**
     * Queues {@code s}; its answer completes once its block is committed and applied here.
     *
     * @throws NodeUnavailableException at once when this replica does not lead or the queue is full
     */
    public void submit(Submission s) {
        if (stopping) {
            throw new NodeUnavailableException("the node is shutting down");
        }
        if (!replica.status().isLeader()) {
            throw new NotLeaderException("this replica is not the leader");
        }
        if (!queue.offer(s)) {
            throw new NodeUnavailableException("the transaction queue is full; try again shortly");
        }
        // close() drains the queue after marking the proposer: one queued after that drain is taken back.
        if (stopping && queue.remove(s)) {
            throw new NodeUnavailableException("the node is shutting down");
        }
    }

    /**
     * An entry this replica proposed was applied: its requests are answered with their results.
     * Called on the apply thread, after the block is durable.
     */
    public void applied(long proposal, long height, long time, List<io.dexnode.engine.TxResult> results) {
        List<Submission> batch = inFlight.remove(proposal);
        if (batch == null) {
            return; // proposed by an earlier run of this replica, or already answered 503
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(new TxOutcome(height, time, results.get(i)));
        }
    }

    /** An entry this replica proposed was skipped as stale by every replica: its requests get 503. */
    public void skipped(long proposal) {
        fail(inFlight.remove(proposal), "the block was superseded during a leader change; retry");
    }

    /** Leadership moved away: nothing queued here will be proposed. */
    public void leadershipLost() {
        List<Submission> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, "leadership moved to another replica; retry (the nonce prevents a double execution)");
    }

    private void run() {
        List<Submission> batch = new ArrayList<>();
        try {
            while (!stopping) {
                Submission first = carry != null ? carry : queue.poll(50, TimeUnit.MILLISECONDS);
                carry = null;
                if (head.pendingRepairDigest() != null && replica.status().leaderReady()) {
                    proposeRepair();
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = fill(batch, first);
                if (!awaitProposable()) {
                    fail(batch, "this replica lost leadership before proposing the block; retry");
                    batch = new ArrayList<>();
                    continue;
                }
                propose(batch);
                batch = new ArrayList<>();
                LOG.trace("proposed {} bytes", bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fail(batch, "the node is shutting down");
            if (carry != null) {
                fail(List.of(carry), "the node is shutting down");
            }
            leadershipLost();
        }
    }

    /** Adds waiting transactions up to the block's bounds; returns the entry's transaction bytes. */
    private int fill(List<Submission> batch, Submission first) throws InterruptedException {
        int bytes = size(first);
        // From when the first arrived, not from now: it may have waited while the block before was applied.
        long deadline = first.arrivedNanos() + TimeUnit.MILLISECONDS.toNanos(blockMs);
        while (batch.size() < blockTxs && !stopping) {
            Submission next = queue.poll();
            if (next == null) {
                long wait = deadline - System.nanoTime();
                next = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
            }
            if (bytes + size(next) > maxEntryBytes) {
                carry = next; // it starts the next block, ahead of everything still queued
                break;
            }
            batch.add(next);
            bytes += size(next);
        }
        return bytes;
    }

    private static int size(Submission s) {
        return 4 + s.signed().payload().length + SignedTx.PUBLIC_KEY_BYTES + SignedTx.SIGNATURE_BYTES;
    }

    /**
     * Waits until this replica leads with its term's first entry committed and has applied its
     * whole log: then the next height is the applied one plus one. False if it stops leading.
     */
    private boolean awaitProposable() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMIT_TIMEOUT_MS);
        while (!stopping && System.nanoTime() < deadline) {
            RaftReplica.Status s = replica.status();
            if (!s.isLeader()) {
                return false;
            }
            if (s.leaderReady() && s.appliedIndex() >= s.lastLogIndex()) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    /**
     * Proposes the repair this replica's state needs as the next block, before any transaction:
     * every replica commits it if it needs the same repair (docs/CLUSTER.md, self-healing).
     */
    private void proposeRepair() throws InterruptedException {
        if (!awaitProposable()) {
            return;
        }
        byte[] digest = head.pendingRepairDigest();
        if (digest == null) {
            return;
        }
        long height = head.height() + 1;
        lastTime = Math.max(Math.max(lastTime, head.lastBlockTime()), clock.getAsLong());
        BlockEntry entry = BlockEntry.repair(height, lastTime, head.root(), genesisHash, replica.selfId(), ++proposals, digest);
        LOG.warn("proposing a repair as block {}", height);
        try {
            RaftClientReply reply = replica.propose(entry).get(COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (!reply.isSuccess()) {
                LOG.warn("repair block {} was not committed: {}", height, reply.getException());
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("repair block {} was not committed: {}", height, e.getCause() == null ? e : e.getCause());
        }
    }

    private void propose(List<Submission> batch) throws InterruptedException {
        long height = head.height() + 1;
        lastTime = Math.max(Math.max(lastTime, head.lastBlockTime()), clock.getAsLong());
        long proposal = ++proposals;
        List<SignedTx> txs = new ArrayList<>(batch.size());
        for (Submission s : batch) {
            txs.add(s.signed());
        }
        BlockEntry entry = BlockEntry.block(height, lastTime, head.root(), genesisHash, replica.selfId(), proposal, txs);
        inFlight.put(proposal, batch);
        RaftClientReply reply;
        try {
            reply = replica.propose(entry).get(COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("block {} was not committed: {}", height, e.getCause() == null ? e : e.getCause());
            fail(inFlight.remove(proposal), "the block was not committed (leader change); retry");
            return;
        }
        if (!reply.isSuccess()) {
            LOG.warn("block {} was not committed: {}", height, reply.getException());
            fail(inFlight.remove(proposal), "the block was not committed (" + reply.getException() + "); retry");
            return;
        }
        // Applied here before Ratis replied: answered by applied(), unless every replica skipped it.
        List<Submission> left = inFlight.remove(proposal);
        fail(left, "the block was superseded during a leader change; retry");
    }

    private static void fail(List<Submission> batch, String why) {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        NodeUnavailableException failure = new NodeUnavailableException(why);
        for (Submission s : batch) {
            s.answer().completeExceptionally(failure);
        }
    }

    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(COMMIT_TIMEOUT_MS / 1000 + 5));
        List<Submission> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, "the node is shutting down");
    }
}
