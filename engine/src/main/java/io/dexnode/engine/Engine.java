package io.dexnode.engine;

import io.dexnode.book.BookView;
import io.dexnode.book.Side;
import io.dexnode.engine.exec.BlockContext;
import io.dexnode.engine.exec.Ledger;
import io.dexnode.engine.exec.Markets;
import io.dexnode.engine.exec.TransactionExecutor;
import io.dexnode.engine.history.HistoryWriter;
import io.dexnode.engine.recovery.BookMismatch;
import io.dexnode.engine.recovery.BookRebuild;
import io.dexnode.engine.recovery.BookRebuilder;
import io.dexnode.engine.recovery.BookSource;
import io.dexnode.engine.recovery.BookVerifier;
import io.dexnode.engine.recovery.OrderbookRecovery;
import io.dexnode.engine.recovery.PendingRepair;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.recovery.RecoveryTarget;
import io.dexnode.engine.recovery.RestingOrder;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The DEX: executes blocks of transactions deterministically against the in-memory books and the
 * authenticated state, and commits one state root per block.
 *
 * <p>Invariants kept after every transaction: an {@code ActiveOrder(market, order)} entry exists
 * iff the order is Active with remaining &gt; 0, and then it rests in its market's book with that
 * remaining and priority; Σ collateral − Σ entry notional over all accounts equals deposits −
 * withdrawals; positions net to zero per market; every account's headroom sum fits in a long, so
 * no fill can overflow its records; a place never leaves its account more than the market's
 * {@code maxOpenOrders} orders resting there. After every block (its end-of-block risk pass, docs/RISK.md),
 * every account's equity at the marks stored in state is at least its maintenance margin, and
 * Σ collateral + Σ insurance funds − Σ entry notional equals deposits − withdrawals. A transaction is validated completely before the
 * book is touched, so a rejection changes nothing; an exception after that point is a broken
 * invariant and halts the engine.
 *
 * <p>This class is the façade: how a transaction executes lives in {@code io.dexnode.engine.exec},
 * how the books are recovered and checked in {@code io.dexnode.engine.recovery}, which reaches the
 * engine only through the {@link RecoveryTarget} this class hands it. Outside callers see the
 * books read-only ({@link BookView}).
 *
 * <p>Not thread-safe: one thread executes blocks; readers use the query methods between blocks.
 */
public final class Engine implements BookSource {
    /** The account that collects fees. */
    public static final long FEE_ACCOUNT_ID = 0;
    public static final String FEE_ACCOUNT_NAME = "$fees";

    private final StateStore store;
    private final TransactionExecutor executor;
    private final Ledger ledger;
    private final Markets markets;
    private final RecoveryTarget recovery = new Recovery();
    /** Records beside the state to delete with the next block (archive retention), from any thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> extrasToDelete = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile EngineHaltedException halted;
    /** The last block's commit, whose write may still be under way (the block-executing thread only). */
    private PendingCommit lastCommit;

    /** An engine whose books {@code books} makes (a test seam; production uses {@link BookFactory#STANDARD}). */
    public Engine(StateStore store, EngineConfig config, BookFactory books) {
        this.store = store;
        this.executor = new TransactionExecutor(store, config, books);
        this.ledger = executor.ledger();
        this.markets = executor.markets();
    }

    public Engine(StateStore store, EngineConfig config) {
        this(store, config, BookFactory.STANDARD);
    }

    public Engine(StateStore store) {
        this(store, EngineConfig.defaults());
    }

    public StateStore store() {
        return store;
    }

    /** The latest committed height, or {@link StateStore#NO_VERSION}. */
    @Override
    public long height() {
        return store.latestVersion();
    }

    @Override
    public byte[] root() {
        return store.latestRoot();
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Executes {@code txs} in order and commits them as block {@code height} (greater than the last
     * committed height) in one atomic write, returning once it is durable. Rejected transactions are
     * part of the block's record but change no state.
     *
     * @throws EngineHaltedException if the commit failed or an invariant broke; the engine is then unusable
     */
    public BlockResult executeBlock(long height, long time, List<Tx> txs) {
        return executeBlock(height, time, txs, null);
    }

    /**
     * Like {@link #executeBlock(long, long, List)}, with {@code records} of the caller's (unauthenticated,
     * outside the tree; e.g. a replica's position in its replicated log) in the block's atomic write.
     */
    public BlockResult executeBlock(long height, long time, List<Tx> txs, WriteSet records) {
        PendingBlock pending = executeBlockPipelined(height, time, txs, records);
        pending.awaitDurable();
        return pending.result();
    }

    /**
     * Like {@link #executeBlock}, but returns once the block's root is computed, while its write may
     * still be under way: the next block can execute meanwhile (it sees this block's state). Nothing
     * of the block may be acknowledged before {@link PendingBlock#awaitDurable()} returns. A failed
     * write halts the engine.
     */
    public PendingBlock executeBlockPipelined(long height, long time, List<Tx> txs) {
        return executeBlockPipelined(height, time, txs, null);
    }

    /** {@link #executeBlockPipelined(long, long, List)} with the caller's {@code records} (may be null) in the block's write. */
    public PendingBlock executeBlockPipelined(long height, long time, List<Tx> txs, WriteSet records) {
        checkRunning();
        long last = store.latestVersion();
        if (height <= last) {
            throw new IllegalArgumentException("block height " + height + " is not above the committed height " + last);
        }
        long start = System.nanoTime();
        BlockContext block = new BlockContext(last, height);
        List<TxResult> results = new ArrayList<>(txs.size());
        try {
            for (Tx tx : txs) {
                results.add(executor.execute(block, tx));
            }
            executor.finishBlock(block);
        } catch (RuntimeException e) {
            throw haltAfterLastWrite("block " + height + " broke an invariant while executing", e);
        }
        long executed = System.nanoTime();
        WriteSet writes = ledger.toWriteSet();
        WriteSet extras = BlockRecords.extras(height, time, txs, block);
        for (byte[] k; (k = extrasToDelete.poll()) != null; ) {
            extras.delete(k);
        }
        PendingCommit commit;
        try {
            addRecords(extras, records);
            commit = store.commitPipelined(height, writes, extras);
            lastCommit = commit;
            ledger.blockCommitted();
        } catch (RuntimeException e) {
            throw haltAfterLastWrite("commit of block " + height + " failed", e);
        }
        commit.durable().whenComplete((ok, failed) -> {
            if (failed != null) {
                halt("commit of block " + height + " failed", failed);
            }
        });
        long committed = System.nanoTime();
        BlockHeader header = new BlockHeader(height, time, commit.root(), txs.size());
        return new PendingBlock(new BlockResult(header, results, block.fills(), block.orderUpdates(), block.balances(ledger),
                block.riskEvents(), block.riskStats(), executed - start, committed - executed), commit);
    }

    /** Adds the caller's {@code records} (may be null) to a block's extras. */
    private static void addRecords(WriteSet extras, WriteSet records) {
        if (records != null) {
            records.forEach((k, v) -> {
                if (v == null) {
                    extras.delete(k);
                } else {
                    extras.put(k, v);
                }
            });
        }
    }

    /**
     * Commits a repair that recovery deferred ({@link RecoveryOptions#deferRepairs()}) as block
     * {@code height} at {@code time}, with the caller's {@code records} in the same write. The books
     * already rest what the repair leaves resting.
     */
    public void commitRepair(PendingRepair repair, long height, long time, WriteSet records) {
        checkRunning();
        if (height <= store.latestVersion()) {
            throw new IllegalArgumentException("repair height " + height + " is not above the committed height " + store.latestVersion());
        }
        OrderbookRecovery.commitDeferred(recovery, repair, height, time, records);
    }

    /** A block executed and committed whose write may still be under way. */
    public final class PendingBlock {
        private final BlockResult result;
        private final PendingCommit commit;

        private PendingBlock(BlockResult result, PendingCommit commit) {
            this.result = result;
            this.commit = commit;
        }

        /** The block's results; not to be acknowledged before {@link #awaitDurable()}. */
        public BlockResult result() {
            return result;
        }

        /** Completes when the block is durable (exceptionally when its write failed). */
        public CompletableFuture<Void> durable() {
            return commit.durable();
        }

        /** Waits until the block is durable; a failed write halts the engine and is thrown as such. */
        public void awaitDurable() {
            try {
                commit.awaitDurable();
            } catch (RuntimeException e) {
                throw halt("commit of block " + result.header().height() + " failed", e);
            }
        }
    }

    /**
     * Deletes records beside the state (never state: the root does not change) with the next
     * block's write: how archive retention removes old archive records
     * ({@link io.dexnode.engine.history.ArchiveRetention}). Safe from any thread.
     */
    public void deleteExtrasWithNextBlock(List<byte[]> keys) {
        extrasToDelete.addAll(keys);
    }

    /** A test seam: {@code observer} sees what each block's end-of-block risk pass starts from. */
    public void observeRiskPasses(RiskPassObserver observer) {
        executor.observeRiskPasses(observer);
    }

    // ---------------------------------------------------------------- recovery and consistency

    /**
     * Clears the books and rebuilds them from the committed state, repairing and reporting any
     * inconsistency between the ActiveOrder index and the order records (see {@link OrderbookRecovery}).
     */
    public RecoveryReport rebuildOrderbookFromState() {
        return recover(RecoveryOptions.fromState());
    }

    /** Recovers the books as {@code options} say: from a warm snapshot if usable, else from state. */
    public RecoveryReport recover(RecoveryOptions options) {
        checkRunning();
        return OrderbookRecovery.recover(recovery, options);
    }

    /**
     * The health check: every book equals its ActiveOrder index (count and digest of id,
     * remaining, priority) and the books hold as many orders as state counts as resting (fewer
     * would mean an Active order lost its index entry). Null when consistent, else what differs.
     * Call between blocks, on the engine's thread.
     */
    public String consistencyProblem() {
        return BookVerifier.consistencyProblem(recovery);
    }

    /**
     * Null when the books hold as many orders as state counts as resting; for a caller that has
     * just found no {@link #bookMismatches} (the rest of {@link #consistencyProblem}).
     */
    public String restingCountProblem() {
        return BookVerifier.restingCountProblem(recovery);
    }

    /** Every market whose book differs from its committed ActiveOrder index, ascending; empty when all agree. */
    public List<BookMismatch> bookMismatches() {
        return BookVerifier.mismatches(recovery);
    }

    /**
     * Replaces one market's book by what committed state says rests there (state is the truth) and
     * reports what differed; writes nothing. If state itself is inconsistent for that market (an
     * index entry naming an order that may not rest), the report says so and the book still
     * disagrees with the index. Call between blocks, on the engine's thread.
     */
    public BookRebuild rebuildBookFromState(int marketId) {
        checkRunning();
        return BookRebuilder.rebuild(recovery, marketId);
    }

    /** What recovery may do to this engine (see {@link RecoveryTarget}); kept private to it. */
    private final class Recovery implements RecoveryTarget {
        @Override
        public long height() {
            return Engine.this.height();
        }

        @Override
        public byte[] root() {
            return Engine.this.root();
        }

        @Override
        public List<Integer> marketIds() {
            return markets.ids();
        }

        @Override
        public BookView book(int marketId) {
            return markets.view(marketId);
        }

        @Override
        public String clientOrderIdOf(long orderId) {
            return ledger.clientOrderIdOf(orderId);
        }

        @Override
        public StateStore store() {
            return store;
        }

        @Override
        public CountersRecord counters() {
            return ledger.counters();
        }

        @Override
        public void reset() {
            ledger.reset();
            List<MarketParams> params = new ArrayList<>();
            store.scanPrefix(new byte[] {StateKey.TAG_MARKET}, (k, v) -> params.add(MarketParams.decode(v)));
            markets.reload(params);
            executor.rebuildRiskIndex(store, counters().nextAccountId() - 1);
        }

        @Override
        public void install(int marketId, List<RestingOrder> orders) {
            markets.install(marketId, orders);
        }

        @Override
        public void index(List<List<RestingOrder>> orders) {
            ledger.indexRestored(orders);
        }

        @Override
        public void replaceBook(int marketId, List<RestingOrder> orders) {
            markets.view(marketId).forEachOrder((id, owner, side, price, remaining, seq) -> ledger.unindex(owner, marketId, id));
            for (RestingOrder o : orders) {
                ledger.unindex(o.accountId(), marketId, o.orderId());
            }
            markets.clear(marketId);
            markets.install(marketId, orders);
            for (RestingOrder o : orders) {
                ledger.index(o);
            }
            ledger.forgetCachedRecords();
        }

        /**
         * The repair's writes go through the overlay and the end-of-block step, as any block's:
         * an order the repair finished is queued for the archive, and the orders due in this
         * block are archived.
         */
        @Override
        public void commitRepairBlock(long height, long time, WriteSet writes, Map<String, List<Long>> repairsByKind,
                                      WriteSet records) {
            WriteSet extras = BlockRecords.repairExtras(height, time, repairsByKind);
            addRecords(extras, records);
            try {
                // Recovery wrote nothing through the overlay; what it cached may be stale.
                ledger.forgetCachedRecords();
                ledger.applyEncoded(writes);
                BlockContext block = new BlockContext(height - 1, height);
                executor.finishBlock(block);
                HistoryWriter.write(extras, height, time, block);
                store.commit(height, ledger.toWriteSet(), extras);
            } catch (RuntimeException e) {
                throw halt("commit of repair block " + height + " failed", e);
            }
            ledger.forgetCachedRecords();
        }
    }

    // ---------------------------------------------------------------- queries

    /** Ids of all markets, ascending. */
    @Override
    public List<Integer> marketIds() {
        return markets.ids();
    }

    /** Market parameters, by id. */
    public List<MarketParams> markets() {
        return markets.params();
    }

    /** A market's in-memory book, read-only, or null. For queries, snapshots and checks between blocks. */
    @Override
    public BookView book(int marketId) {
        return markets.view(marketId);
    }

    /** Aggregated depth of a market, best first on each side, at the committed height; null for an unknown market. */
    public Depth depth(int marketId, int levels) {
        BookView book = markets.view(marketId);
        if (book == null) {
            return null;
        }
        return new Depth(marketId, store.latestVersion(), book.depthLevels(Side.BUY, levels),
                book.depthLevels(Side.SELL, levels));
    }

    /** The client order id of a resting order, or null. */
    @Override
    public String clientOrderIdOf(long orderId) {
        return ledger.clientOrderIdOf(orderId);
    }

    /** How many of the account's active orders rest in the market (derived from state). */
    int openOrders(long accountId, int marketId) {
        return ledger.openOrders(accountId, marketId);
    }

    // ---------------------------------------------------------------- lifecycle

    private void checkRunning() {
        if (halted != null) {
            throw halted;
        }
    }

    /**
     * Halts for a failure while executing or committing a block; but when the write of the block
     * before it failed, that write is named as the cause: a store whose write failed refuses every
     * later call, so this block's failure is only its consequence, and it may be seen before the
     * write's own failure has reached {@link #halt}. Waits for that write to settle (it was handed
     * to the writer before this block began).
     */
    private EngineHaltedException haltAfterLastWrite(String message, RuntimeException e) {
        PendingCommit before = lastCommit;
        if (before != null) {
            try {
                before.awaitDurable();
            } catch (RuntimeException writeFailed) {
                return halt("commit of block " + before.version() + " failed", writeFailed);
            }
        }
        return halt(message, e);
    }

    private synchronized EngineHaltedException halt(String message, Throwable cause) {
        if (halted != null) {
            return halted; // the first cause stays the reason
        }
        EngineHaltedException e = new EngineHaltedException(message + ": " + cause.getMessage(), cause);
        halted = e;
        return e;
    }

    public boolean isHalted() {
        return halted != null;
    }
}
