package io.dexnode.engine.exec;

import io.dexnode.book.BookListener;
import io.dexnode.book.BookReason;
import io.dexnode.book.DoneStatus;
import io.dexnode.book.Side;
import io.dexnode.engine.Fill;
import io.dexnode.engine.risk.LiquidationIndex;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import java.math.BigInteger;

/**
 * Turns the book's events into state for the transaction in flight: a fill settles both sides
 * (order records, positions with realized PnL, collateral and fees, market statistics), a resting
 * order gets its ActiveOrder entry and open-order exposure, an order that ends leaves the index.
 * The book calls it synchronously on the matching path, so it allocates only what state needs.
 * Set {@link #ctx} before the transaction touches a book. Every position it changes is reported
 * to the {@link LiquidationIndex}.
 */
final class FillSettlement implements BookListener {
    private final Ledger ledger;
    private final LiquidationIndex risk;
    /** The transaction in flight. */
    TxContext ctx;

    FillSettlement(Ledger ledger, LiquidationIndex risk) {
        this.ledger = ledger;
        this.risk = risk;
    }

    @Override
    public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                       long price, long size, long makerRemaining, long takerRemaining) {
        TxContext c = ctx;
        MarketParams params = c.market.params;
        int marketId = params.marketId();
        long notional = Math.multiplyExact(price, size);
        long makerFee = feeOf(notional, params.makerFeeBps());
        // A liquidation's order pays the liquidation fee to the insurance fund instead of a taker fee.
        long takerFee = c.liquidation ? 0 : feeOf(notional, params.takerFeeBps());
        OrderRecord maker = ledger.order(makerId).withFill(size, c.block.height);
        if (maker.remaining() != makerRemaining) {
            throw new IllegalStateException("order " + makerId + " has remaining " + maker.remaining()
                    + " in state but " + makerRemaining + " in the book");
        }
        ledger.put(new StateKey.Order(makerId), maker);
        addExposure(makerOwner, marketId, maker.side(), -size, -notional);
        trade(c, makerOwner, marketId, takerSide.opposite(), price, size, makerFee);
        trade(c, takerOwner, marketId, takerSide, price, size, takerFee);
        c.taker = c.taker.withFill(size, c.block.height);
        MarketStatsRecord stats = ledger.stats(marketId);
        long tradeId = stats.tradeCount() + 1;
        ledger.put(new StateKey.MarketStats(marketId), new MarketStatsRecord(price,
                Math.addExact(stats.volume(), size), tradeId));
        Fill fill = new Fill(marketId, tradeId, makerId, makerOwner, takerId, takerOwner, takerSide, price, size, makerFee, takerFee);
        c.fills.add(fill);
        if (maker.remaining() > 0) {
            ledger.put(new StateKey.ActiveOrder(marketId, makerId), new ActiveOrderEntry(maker.prioritySeq(), maker.remaining()));
            c.update(maker, null);
        }
    }

    @Override
    public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        TxContext c = ctx;
        OrderRecord taker = c.taker;
        if (orderId != taker.orderId() || remaining != taker.remaining() || prioritySeq != taker.prioritySeq()) {
            throw new IllegalStateException("book rested order " + orderId + " that is not the order in flight");
        }
        c.takerRested = true;
        ledger.adjustActiveOrders(1);
        ledger.put(new StateKey.ActiveOrder(taker.marketId(), orderId), new ActiveOrderEntry(prioritySeq, remaining));
        addExposure(owner, taker.marketId(), side, remaining, Math.multiplyExact(price, remaining));
        ledger.indexActive(taker);
        c.update(taker, null);
    }

    @Override
    public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
        TxContext c = ctx;
        BookReason why = reason == BookReason.NONE ? null
                : c.liquidation && reason == BookReason.CANCELLED_BY_USER ? BookReason.LIQUIDATION : reason;
        if (c.taker != null && orderId == c.taker.orderId()) {
            if (status == DoneStatus.REJECTED) {
                throw new IllegalStateException("book rejected validated order " + orderId + ": " + reason);
            }
            c.taker = c.taker.withStatus(status == DoneStatus.FILLED ? OrderStatus.FILLED : OrderStatus.CANCELLED,
                    c.block.height);
            c.takerReason = why;
            if (c.amending) {
                ledger.delete(new StateKey.ActiveOrder(c.taker.marketId(), orderId));
                ledger.unindexActive(c.taker);
            }
            return;
        }
        OrderRecord o = ledger.order(orderId);
        if (status == DoneStatus.CANCELLED) {
            addExposure(owner, o.marketId(), o.side(), -o.remaining(), -Math.multiplyExact(o.price(), o.remaining()));
            o = o.withStatus(OrderStatus.CANCELLED, c.block.height);
            ledger.put(new StateKey.Order(orderId), o);
        } else if (status != DoneStatus.FILLED || o.status() != OrderStatus.FILLED) {
            throw new IllegalStateException("resting order " + orderId + " ended as " + status + " but is " + o.status());
        }
        ledger.delete(new StateKey.ActiveOrder(o.marketId(), orderId));
        ledger.adjustActiveOrders(-1);
        ledger.unindexActive(o);
        c.update(o, why);
    }

    /**
     * Applies one side of a trade to an account: position, realized PnL, collateral, fee. The
     * liquidation index learns of the new position (the account is examined at the block's end).
     */
    void trade(TxContext ctx, long accountId, int marketId, Side side, long price, long size, long fee) {
        AccountRecord acct = ledger.account(accountId);
        PositionRecord pos = ledger.position(accountId, marketId);
        long[] after = tradeTerms(acct, pos, side, price, size, fee);
        ledger.put(new StateKey.Position(accountId, marketId), new PositionRecord(after[0], after[1], after[2],
                pos.openBuySize(), pos.openBuyNotional(), pos.openSellSize(), pos.openSellNotional()));
        risk.positionChanged(accountId, marketId, after[0]);
        ledger.putAccount(ctx, acct.withMarket(marketId).withCollateral(after[3]));
        if (fee > 0) {
            AccountRecord fees = ledger.feeAccount();
            ledger.putAccount(ctx, fees.withCollateral(Math.addExact(fees.collateral(), fee)));
        }
    }

    /** Whether {@link #trade} of these terms (without a fee) fits the account's records, which it then may apply. */
    boolean tradeFits(long accountId, int marketId, Side side, long price, long size) {
        try {
            tradeTerms(ledger.account(accountId), ledger.position(accountId, marketId), side, price, size, 0);
            return true;
        } catch (ArithmeticException overflow) {
            return false;
        }
    }

    /**
     * One side of a trade on a position: its new size, entry notional and realized PnL, and the
     * account's new collateral; throws {@link ArithmeticException} if any does not fit in a long.
     */
    private static long[] tradeTerms(AccountRecord acct, PositionRecord pos, Side side, long price, long size, long fee) {
        long s = pos.size();
        long e = pos.entryNotional();
        long d = side == Side.BUY ? size : -size;
        long realized = 0;
        if (s == 0 || Long.signum(s) == Long.signum(d)) {
            s = Math.addExact(s, d);
            e = Math.addExact(e, Math.multiplyExact(d, price));
        } else {
            long closed = Math.min(Math.abs(s), size);
            long removed = proportion(e, closed, Math.abs(s));
            long cash = Math.multiplyExact(closed, price);
            realized = Math.subtractExact(d > 0 ? -cash : cash, removed);
            e -= removed;
            s += d > 0 ? closed : -closed;
            long opened = size - closed;
            if (opened > 0) {
                long signed = d > 0 ? opened : -opened;
                s += signed;
                e = Math.addExact(e, Math.multiplyExact(signed, price));
            }
        }
        return new long[] {s, e, Math.addExact(pos.realizedPnl(), realized),
                Math.subtractExact(Math.addExact(acct.collateral(), realized), fee)};
    }

    /** e × part / whole, truncated toward zero, without overflow. */
    private static long proportion(long e, long part, long whole) {
        if (part == whole) {
            return e;
        }
        long hi = Math.multiplyHigh(e, part);
        long lo = e * part;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo / whole;
        }
        return BigInteger.valueOf(e).multiply(BigInteger.valueOf(part)).divide(BigInteger.valueOf(whole)).longValueExact();
    }

    /** ⌈notional × bps / 10 000⌉, computed in two parts so that it cannot overflow for bps ≤ 10 000. */
    static long feeOf(long notional, int bps) {
        if (bps == 0) {
            return 0;
        }
        return notional / TransactionRules.BPS * bps + Math.ceilDiv(notional % TransactionRules.BPS * bps, TransactionRules.BPS);
    }

    /** Adds to (or, negative, takes from) an account's open-order exposure on one side of a market. */
    void addExposure(long accountId, int marketId, Side side, long size, long notional) {
        PositionRecord p = ledger.position(accountId, marketId);
        PositionRecord q = side == Side.BUY
                ? p.withOpen(p.openBuySize() + size, p.openBuyNotional() + notional, p.openSellSize(), p.openSellNotional())
                : p.withOpen(p.openBuySize(), p.openBuyNotional(), p.openSellSize() + size, p.openSellNotional() + notional);
        if (q.openBuySize() < 0 || q.openSellSize() < 0 || q.openBuyNotional() < 0 || q.openSellNotional() < 0) {
            throw new IllegalStateException("open-order exposure of account " + accountId + " in market " + marketId
                    + " went negative");
        }
        ledger.put(new StateKey.Position(accountId, marketId), q);
        AccountRecord acct = ledger.account(accountId);
        if (!acct.hasMarket(marketId)) {
            ledger.put(new StateKey.Account(accountId), acct.withMarket(marketId));
        }
    }
}
