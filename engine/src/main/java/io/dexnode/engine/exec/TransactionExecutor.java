package io.dexnode.engine.exec;

import io.dexnode.engine.BookFactory;
import io.dexnode.engine.EngineConfig;
import io.dexnode.engine.RiskPassObserver;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.risk.LiquidationIndex;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes one transaction of a block against the books and the state overlay: dispatches it to
 * the role that handles it, keeps its writes if it is accepted, and undoes them if it is refused.
 * A transaction is validated completely before any book is touched, so a refusal after that point
 * is a broken invariant and is thrown, not returned. A batch consumes its nonce as a step of its
 * own, then runs each action as such a transaction: one refused action is undone alone. Owns the
 * execution objects, wired once: the {@link Ledger}, the {@link Markets} and the roles between them,
 * and the end-of-block steps (the risk pass, then archival).
 */
public final class TransactionExecutor {
    private final Ledger ledger;
    private final Markets markets;
    private final FillSettlement settlement;
    private final MarketListing listing;
    private final Transfers transfers;
    private final OrderLifecycle orders;
    private final ChainParameters chain;
    private final OrderArchival archival;
    private final IndexPrices indexPrices;
    private final EndOfBlockRisk risk;

    public TransactionExecutor(StateStore store, EngineConfig config, BookFactory books) {
        LiquidationIndex liquidationIndex = new LiquidationIndex();
        this.ledger = new Ledger(store, config.recordCacheEntries());
        this.settlement = new FillSettlement(ledger, liquidationIndex);
        this.markets = new Markets(books, settlement, config.expectedOrdersPerMarket());
        TransactionRules rules = new TransactionRules(ledger, markets);
        LiveMarks marks = new LiveMarks(ledger, markets);
        MarginCheck margin = new MarginCheck(ledger, markets, marks);
        this.listing = new MarketListing(ledger, markets);
        this.transfers = new Transfers(ledger, rules, margin, liquidationIndex);
        this.orders = new OrderLifecycle(ledger, markets, rules, margin, settlement);
        this.chain = new ChainParameters(ledger);
        this.archival = new OrderArchival(ledger);
        this.indexPrices = new IndexPrices(ledger, rules);
        this.risk = new EndOfBlockRisk(ledger, markets, settlement, marks, liquidationIndex);
    }

    public Ledger ledger() {
        return ledger;
    }

    public Markets markets() {
        return markets;
    }

    /**
     * The block's end-of-block work, after its last transaction and before its writes are taken,
     * always in this order: the risk pass (docs/RISK.md: funding, liquidations, the marks it leaves
     * in state), then archival ({@link OrderArchival}). Risk first so that the orders the pass
     * places and finishes (a liquidation's IOC take, the orders it cancels) are written in this
     * block before archival looks, and are queued exactly like the transactions' own orders.
     */
    public void finishBlock(BlockContext block) {
        risk.run(block);
        archival.finishBlock(block);
        ledger.commitTx();
    }

    /** A test seam: {@code observer} sees each risk pass's starting point. */
    public void observeRiskPasses(RiskPassObserver observer) {
        risk.observe(observer);
    }

    /** Rebuilds what the risk pass keeps in memory from committed state (recovery); accounts go up to {@code maxAccountId}. */
    public void rebuildRiskIndex(StateStore store, long maxAccountId) {
        risk.rebuildIndex(store, maxAccountId);
    }

    /**
     * Executes {@code tx} as the next transaction of {@code block}; a refusal changes nothing. A
     * batch refused as a whole (unknown account, stale nonce) runs none of its actions.
     */
    public TxResult execute(BlockContext block, Tx tx) {
        if (!(tx instanceof Tx.Batch batch)) {
            return executeOne(block, tx);
        }
        TxResult opened = executeOne(block, batch);
        if (!opened.accepted()) {
            return opened;
        }
        List<TxResult> results = new ArrayList<>(batch.actions().size());
        for (Tx action : batch.actions()) {
            results.add(executeOne(block, action));
        }
        return new TxResult(batch, null, opened.accountId(), 0, null, 0, List.of(), List.copyOf(results));
    }

    private TxResult executeOne(BlockContext block, Tx tx) {
        TxContext ctx = new TxContext(block);
        settlement.ctx = ctx;
        try {
            TxResult result = switch (tx) {
                case Tx.CreateMarket c -> listing.createMarket(ctx, c);
                case Tx.Deposit d -> transfers.deposit(ctx, d);
                case Tx.Withdraw w -> transfers.withdraw(ctx, w);
                case Tx.Place p -> orders.place(ctx, p);
                case Tx.Cancel c -> orders.cancel(ctx, c);
                case Tx.CancelAll c -> orders.cancelAll(ctx, c);
                case Tx.Reduce r -> orders.reduce(ctx, r);
                case Tx.Amend a -> orders.amend(ctx, a);
                case Tx.Batch b -> orders.openBatch(ctx, b);
                case Tx.ChainParams c -> chain.set(ctx, c);
                case Tx.SetIndexPrice i -> indexPrices.setIndexPrice(ctx, i);
            };
            ledger.commitTx();
            block.accept(ctx);
            if (ctx.newMarket != null) {
                markets.add(ctx.newMarket);
            }
            return result;
        } catch (RejectedException r) {
            if (ctx.bookTouched) {
                throw new IllegalStateException("rejection after the book changed: " + r.getMessage(), r);
            }
            ledger.rollbackTx();
            return TxResult.rejected(tx, r.rejection());
        }
    }
}
