package io.dexnode.engine.exec;

import io.dexnode.book.BookView;
import io.dexnode.book.OrderBook;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.Engine;
import io.dexnode.engine.Fill;
import io.dexnode.engine.RiskPassObserver;
import io.dexnode.engine.risk.LiquidationIndex;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.risk.RiskLedger;
import io.dexnode.engine.risk.RiskPass;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.IdKeyRanges;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The block's end-of-block risk step: runs the {@link RiskPass} after the block's last
 * transaction, over the block's state overlay and the books, and adds what it did to the block
 * (its order updates, fills, balance changes and {@link RiskEvent}s). Each action of the pass is
 * one step of its own, kept at once: nothing the pass does is ever undone.
 */
final class EndOfBlockRisk {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Ledger ledger;
    private final Markets markets;
    private final FillSettlement settlement;
    private final LiveMarks marks;
    private final LiquidationIndex index;
    private final RiskPass pass;
    private RiskPassObserver observer;

    EndOfBlockRisk(Ledger ledger, Markets markets, FillSettlement settlement, LiveMarks marks, LiquidationIndex index) {
        this.ledger = ledger;
        this.markets = markets;
        this.settlement = settlement;
        this.marks = marks;
        this.index = index;
        this.pass = new RiskPass(index);
    }

    /** A test seam: {@code observer} sees each pass's starting point ({@link RiskPassObserver}). */
    void observe(RiskPassObserver observer) {
        this.observer = observer;
    }

    /** Runs the pass for {@code block}, after its last transaction. */
    void run(BlockContext block) {
        if (observer != null) {
            observer.beforePass(block.height, new ObservedInput());
        }
        long cpu = cpuNanos();
        long start = System.nanoTime();
        List<RiskEvent> events = pass.run(block.height, new BlockRiskLedger(block));
        long nanos = System.nanoTime() - start;
        block.riskDone(events, pass.examined(), pass.liquidated(), nanos, cpuNanos() - cpu);
    }

    /** The current thread's CPU time, for the pass's cost only (0 where the JVM cannot tell). */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Rebuilds the liquidation index from committed state (recovery): every holder of a position
     * is known again, and examined at the next pass. Reads every position record in place (one
     * per account and market traded: a million at a million orders), decoding only the size; the
     * records are read in account ranges on several threads at once ({@code maxAccountId} spreads
     * them) and entered in key order, as one pass would.
     */
    void rebuildIndex(StateStore store, long maxAccountId) {
        List<byte[][]> ranges = IdKeyRanges.split(StateKey.TAG_POSITION, Math.max(0, maxAccountId),
                2 * Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<long[]> held = ranges.parallelStream().map(range -> holders(store, range[0], range[1])).toList();
        index.clear();
        for (long[] triples : held) {
            for (int i = 0; i < triples.length; i += 3) {
                index.positionChanged(triples[i], (int) triples[i + 1], triples[i + 2]);
            }
        }
    }

    /** The positions with keys in {@code [from, to)} whose size is not 0, as (account, market, size) triples in key order. */
    private static long[] holders(StateStore store, byte[] from, byte[] to) {
        LongStream.Builder out = LongStream.builder();
        store.scanRangeInPlace(from, to, (k, v) -> {
            long accountId = StateKey.Position.accountIdOf(k); // checks the key, whatever the size
            long size = PositionRecord.InPlace.size(v);
            if (size != 0) {
                out.add(accountId).add(StateKey.Position.marketIdOf(k)).add(size);
            }
        });
        return out.build().toArray();
    }

    /** What a {@link RiskPassObserver} may read. */
    private final class ObservedInput implements RiskPassObserver.Input {
        @Override
        public List<MarketParams> markets() {
            return EndOfBlockRisk.this.markets.params();
        }

        @Override
        public MarketRiskRecord risk(int marketId) {
            return ledger.risk(marketId);
        }

        @Override
        public long lastPrice(int marketId) {
            return ledger.stats(marketId).lastPrice();
        }

        @Override
        public BookView book(int marketId) {
            return EndOfBlockRisk.this.markets.view(marketId);
        }

        @Override
        public CountersRecord counters() {
            return ledger.counters();
        }

        @Override
        public AccountRecord account(long accountId) {
            return ledger.account(accountId);
        }

        @Override
        public PositionRecord position(long accountId, int marketId) {
            return ledger.position(accountId, marketId);
        }
    }

    /** The pass's view of the block: every change goes through a step of its own, merged into the block. */
    private final class BlockRiskLedger implements RiskLedger {
        private final BlockContext block;

        BlockRiskLedger(BlockContext block) {
            this.block = block;
        }

        private TxContext begin() {
            TxContext ctx = new TxContext(block);
            ctx.liquidation = true;
            settlement.ctx = ctx;
            return ctx;
        }

        private void end(TxContext ctx) {
            ledger.commitTx();
            block.accept(ctx);
        }

        @Override
        public int[] marketIds() {
            return markets.ids().stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public MarketParams params(int marketId) {
            return markets.get(marketId).params;
        }

        @Override
        public MarketRiskRecord risk(int marketId) {
            return ledger.risk(marketId);
        }

        @Override
        public void putRisk(int marketId, MarketRiskRecord record) {
            ledger.put(new StateKey.MarketRisk(marketId), record);
            ledger.commitTx();
        }

        @Override
        public long liveMark(int marketId) {
            return marks.of(marketId);
        }

        @Override
        public AccountRecord account(long accountId) {
            return ledger.account(accountId);
        }

        @Override
        public PositionRecord position(long accountId, int marketId) {
            return ledger.position(accountId, marketId);
        }

        @Override
        public void addCollateral(long accountId, long delta) {
            TxContext ctx = begin();
            AccountRecord a = accountId == Engine.FEE_ACCOUNT_ID ? ledger.feeAccount() : ledger.account(accountId);
            ledger.putAccount(ctx, a.withCollateral(Math.addExact(a.collateral(), delta)));
            if (accountId != Engine.FEE_ACCOUNT_ID) {
                index.touch(accountId);
            }
            end(ctx);
        }

        @Override
        public void cancelOrders(long accountId) {
            TxContext ctx = begin();
            ctx.bookTouched = true;
            for (long id : ledger.activeOrderIds(accountId)) {
                ctx.market = markets.get(ledger.order(id).marketId());
                if (!ctx.market.book.cancel(id)) {
                    throw new IllegalStateException("active order " + id + " is not in the book");
                }
            }
            end(ctx);
        }

        @Override
        public BookTake takeFromBook(long accountId, int marketId, Side side, long size, long limitPrice) {
            MarketBook market = markets.get(marketId);
            OrderBook book = market.book;
            if (book.fillableSize(side, limitPrice, accountId, SelfTradePrevention.CANCEL_RESTING, size) == 0) {
                return new BookTake(0, 0, 0); // nothing to take: no order is written
            }
            TxContext ctx = begin();
            CountersRecord counters = ledger.counters();
            long orderId = counters.nextOrderId();
            long seq = counters.nextPrioritySeq();
            ledger.put(new StateKey.Counters(), new CountersRecord(orderId + 1, seq + 1, counters.nextAccountId(),
                    counters.activeOrders()));
            ctx.market = market;
            ctx.taker = new OrderRecord(orderId, marketId, accountId, side, limitPrice, size, size, 0, TimeInForce.IOC,
                    SelfTradePrevention.CANCEL_RESTING, OrderStatus.ACTIVE, seq, block.height, block.height, null);
            ctx.bookTouched = true;
            book.place(orderId, accountId, side, limitPrice, size, TimeInForce.IOC, SelfTradePrevention.CANCEL_RESTING, seq);
            OrderRecord taker = ctx.taker;
            ledger.put(new StateKey.Order(orderId), taker);
            ctx.update(taker, ctx.takerReason);
            long cash = 0;
            for (Fill f : ctx.fills) {
                cash = Math.addExact(cash, Math.multiplyExact(f.price(), f.size()));
            }
            end(ctx);
            return new BookTake(orderId, taker.filled(), cash);
        }

        @Override
        public boolean deleverage(long accountId, long counterparty, int marketId, Side side, long price, long size) {
            if (!settlement.tradeFits(accountId, marketId, side, price, size)
                    || !settlement.tradeFits(counterparty, marketId, side.opposite(), price, size)) {
                return false;
            }
            TxContext ctx = begin();
            settlement.trade(ctx, accountId, marketId, side, price, size, 0);
            settlement.trade(ctx, counterparty, marketId, side.opposite(), price, size, 0);
            end(ctx);
            return true;
        }
    }
}
