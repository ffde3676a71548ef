package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.BPS;
import static io.dexnode.engine.exec.TransactionRules.checkNonce;
import static io.dexnode.engine.exec.TransactionRules.checkPrice;
import static io.dexnode.engine.exec.TransactionRules.checkSize;
import static io.dexnode.engine.exec.TransactionRules.exact;
import static io.dexnode.engine.exec.TransactionRules.reject;
import static io.dexnode.engine.exec.TransactionRules.withNonce;
import static io.dexnode.engine.exec.TransactionRules.wouldCross;

import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.exec.MarginCheck.Prospective;
import io.dexnode.engine.risk.MarkPrice;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * The order transactions: place (GTC, IOC, FOK, post-only), cancel, cancel-all, reduce and amend,
 * and a batch's own step (its nonce).
 * Each validates completely before it touches the book ({@link TxContext#bookTouched} marks the
 * point of no return); the book then matches and {@link FillSettlement} turns its events into
 * state. A size decrease keeps the order's priority; a price change or size increase takes a new
 * sequence and re-enters the book as a taker.
 */
final class OrderLifecycle {
    private final Ledger ledger;
    private final Markets markets;
    private final TransactionRules rules;
    private final MarginCheck margin;
    private final FillSettlement settlement;

    OrderLifecycle(Ledger ledger, Markets markets, TransactionRules rules, MarginCheck margin, FillSettlement settlement) {
        this.ledger = ledger;
        this.markets = markets;
        this.rules = rules;
        this.margin = margin;
        this.settlement = settlement;
    }

    TxResult place(TxContext ctx, Tx.Place p) {
        MarketBook market = rules.requireMarket(p.market());
        AccountRecord acct = rules.requireAccount(p.account());
        checkNonce(acct, p.nonce());
        MarketParams params = market.params;
        checkPrice(params, p.price());
        checkSize(params, p.size(), true);
        long notional = exact(() -> Math.multiplyExact(Math.multiplyExact(p.price(), p.size()), BPS),
                "price × size is too large") / BPS;
        rules.checkClientOrderId(acct, p.clientOrderId());
        OrderBook book = market.book;
        if (p.tif() == TimeInForce.POST_ONLY && wouldCross(book, p.side(), p.price())) {
            throw reject(RejectCode.POST_ONLY_WOULD_CROSS, "post-only order at " + p.price() + " would take liquidity");
        }
        if (p.tif() == TimeInForce.FOK
                && book.fillableSize(p.side(), p.price(), acct.accountId(), p.stp(), p.size()) < p.size()) {
            throw reject(RejectCode.FOK_NOT_FILLABLE, "fill-or-kill order of " + p.size() + " cannot fill completely");
        }
        rules.checkOpenOrderCap(acct, params, book, p);
        long index = ledger.risk(p.market()).indexPrice();
        Prospective order = MarginCheck.prospective(p.market(), p.side(), p.size(), notional, p.price(), book, params, null,
                index, MarkPrice.reference(index, ledger.stats(p.market()).lastPrice()), true);
        MarginCheck.checkHeadroom(margin.checkMargin(acct, order, "order"), "order");
        margin.checkFillTotals(params, order, p.size());
        CountersRecord counters = ledger.counters();
        long orderId = counters.nextOrderId();
        long seq = counters.nextPrioritySeq();
        ledger.put(new StateKey.Counters(), new CountersRecord(orderId + 1, seq + 1, counters.nextAccountId(), counters.activeOrders()));
        ledger.putAccount(ctx, withNonce(acct, p.nonce()));

        ctx.market = market;
        ctx.taker = new OrderRecord(orderId, p.market(), acct.accountId(), p.side(), p.price(), p.size(), p.size(), 0,
                p.tif(), p.stp(), OrderStatus.ACTIVE, seq, ctx.block.height, ctx.block.height, p.clientOrderId());
        ctx.bookTouched = true;
        book.place(orderId, acct.accountId(), p.side(), p.price(), p.size(), p.tif() == TimeInForce.POST_ONLY
                ? TimeInForce.GTC : p.tif(), p.stp(), seq);
        return finishTaker(ctx, p, acct.accountId());
    }

    /** A batch's own step, before its actions: the account exists and the batch's nonce is consumed, once. */
    TxResult openBatch(TxContext ctx, Tx.Batch b) {
        AccountRecord acct = rules.requireAccount(b.account());
        checkNonce(acct, b.nonce());
        ledger.putAccount(ctx, withNonce(acct, b.nonce()));
        return new TxResult(b, null, acct.accountId(), 0, null, 0, List.of());
    }

    TxResult cancel(TxContext ctx, Tx.Cancel c) {
        AccountRecord acct = rules.requireAccount(c.account());
        checkNonce(acct, c.nonce());
        OrderRecord order = rules.requireOwnActiveOrder(acct, c.orderId(), c.clientOrderId());
        ledger.putAccount(ctx, withNonce(acct, c.nonce()));
        ctx.market = markets.get(order.marketId());
        ctx.bookTouched = true;
        if (!ctx.market.book.cancel(order.orderId())) {
            throw new IllegalStateException("active order " + order.orderId() + " is not in the book");
        }
        OrderRecord after = ledger.order(order.orderId());
        return new TxResult(c, null, acct.accountId(), order.orderId(), after.status(), after.remaining(), List.of());
    }

    TxResult cancelAll(TxContext ctx, Tx.CancelAll c) {
        AccountRecord acct = rules.requireAccount(c.account());
        checkNonce(acct, c.nonce());
        if (c.market() != 0) {
            rules.requireMarket(c.market());
        }
        ledger.putAccount(ctx, withNonce(acct, c.nonce()));
        long[] ids = ledger.activeOrderIds(acct.accountId());
        ctx.bookTouched = true;
        int cancelled = 0;
        for (long id : ids) {
            OrderRecord o = ledger.order(id);
            if (c.market() != 0 && o.marketId() != c.market()) {
                continue;
            }
            ctx.market = markets.get(o.marketId());
            if (!ctx.market.book.cancel(id)) {
                throw new IllegalStateException("active order " + id + " is not in the book");
            }
            cancelled++;
        }
        return new TxResult(c, null, acct.accountId(), 0, null, cancelled, List.of());
    }

    TxResult reduce(TxContext ctx, Tx.Reduce r) {
        AccountRecord acct = rules.requireAccount(r.account());
        checkNonce(acct, r.nonce()); // first, as for every transaction: a replayed reduce is a stale nonce
        OrderRecord order = rules.requireOwnActiveOrder(acct, r.orderId(), r.clientOrderId());
        if (r.size() <= 0 || r.size() >= order.remaining()) {
            throw reject(RejectCode.BAD_SIZE, "reduce needs a positive size below the remaining " + order.remaining() + ", got " + r.size());
        }
        return amend(ctx, new Tx.Amend(r.account(), r.nonce(), order.orderId(), null, order.price(), r.size()), r);
    }

    TxResult amend(TxContext ctx, Tx.Amend a) {
        return amend(ctx, a, a);
    }

    private TxResult amend(TxContext ctx, Tx.Amend a, Tx original) {
        AccountRecord acct = rules.requireAccount(a.account());
        checkNonce(acct, a.nonce());
        OrderRecord order = rules.requireOwnActiveOrder(acct, a.orderId(), a.clientOrderId());
        MarketBook market = markets.get(order.marketId());
        MarketParams params = market.params;
        long newPrice = a.price() == 0 ? order.price() : a.price();
        long newSize = a.size() == 0 ? order.remaining() : a.size();
        checkPrice(params, newPrice);
        checkSize(params, newSize, false);
        exact(() -> Math.multiplyExact(Math.multiplyExact(newPrice, newSize), BPS), "price × size is too large");
        // The record's size stays what was filled plus what remains: an amend sets the remaining size.
        long totalSize = exact(() -> Math.addExact(order.filled(), newSize), "filled + new size is too large");
        ctx.market = market;
        if (newPrice == order.price() && newSize <= order.remaining()) {
            ledger.putAccount(ctx, withNonce(acct, a.nonce()));
            if (newSize < order.remaining()) {
                ctx.bookTouched = true;
                if (!market.book.reduce(order.orderId(), newSize)) {
                    throw new IllegalStateException("active order " + order.orderId() + " could not be reduced");
                }
                long delta = order.remaining() - newSize;
                settlement.addExposure(order.accountId(), order.marketId(), order.side(), -delta, -order.price() * delta);
                OrderRecord after = order.withAmend(order.price(), totalSize, newSize, order.prioritySeq(), ctx.block.height);
                ledger.put(new StateKey.Order(order.orderId()), after);
                ledger.put(new StateKey.ActiveOrder(order.marketId(), order.orderId()),
                        new ActiveOrderEntry(order.prioritySeq(), newSize));
                ctx.update(after, null);
            }
            return new TxResult(original, null, acct.accountId(), order.orderId(), OrderStatus.ACTIVE, newSize, List.of());
        }
        if (order.tif() == TimeInForce.POST_ONLY && wouldCross(market.book, order.side(), newPrice)) {
            throw reject(RejectCode.POST_ONLY_WOULD_CROSS, "post-only order at " + newPrice + " would take liquidity");
        }
        long oldNotional = order.price() * order.remaining();
        long newNotional = newPrice * newSize;
        boolean buy = order.side() == Side.BUY;
        // Margin with the order's old exposure replaced by the new one.
        PositionRecord pos = ledger.position(acct.accountId(), order.marketId());
        PositionRecord swapped = pos.withOpen(pos.openBuySize(), pos.openBuyNotional() - (buy ? oldNotional : 0),
                pos.openSellSize(), pos.openSellNotional() - (buy ? 0 : oldNotional));
        Prospective amended = MarginCheck.prospective(order.marketId(), order.side(), newSize, newNotional, newPrice,
                market.book, params, swapped, ledger.risk(order.marketId()).indexPrice(), 0, false);
        MarginCheck.checkHeadroom(margin.checkMargin(acct, amended, "amended order"), "amended order");
        margin.checkFillTotals(params, amended, newSize);
        CountersRecord counters = ledger.counters();
        long seq = counters.nextPrioritySeq();
        // The order leaves the book here and counts as resting again only if it rests.
        ledger.put(new StateKey.Counters(), new CountersRecord(counters.nextOrderId(), seq + 1, counters.nextAccountId(),
                counters.activeOrders() - 1));
        ledger.putAccount(ctx, withNonce(acct, a.nonce()));
        settlement.addExposure(order.accountId(), order.marketId(), order.side(), -order.remaining(), -oldNotional);
        ctx.taker = order.withAmend(newPrice, totalSize, newSize, seq, ctx.block.height);
        ctx.amending = true;
        ctx.bookTouched = true;
        if (!market.book.amend(order.orderId(), newPrice, newSize, seq, order.stp())) {
            throw new IllegalStateException("active order " + order.orderId() + " could not be amended");
        }
        return finishTaker(ctx, original, acct.accountId());
    }

    private TxResult finishTaker(TxContext ctx, Tx tx, long accountId) {
        OrderRecord taker = ctx.taker;
        ledger.put(new StateKey.Order(taker.orderId()), taker);
        if (!ctx.takerRested) {
            ctx.update(taker, ctx.takerReason);
        }
        return new TxResult(tx, null, accountId, taker.orderId(), taker.status(), taker.remaining(),
                List.copyOf(ctx.fills));
    }
}
