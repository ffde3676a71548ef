package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.exact;
import static io.dexnode.engine.exec.TransactionRules.reject;

import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.engine.Engine;
import io.dexnode.engine.MarginTerms;
import io.dexnode.engine.risk.MarkPrice;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.RejectCode;

/**
 * The risk checks an order, an amendment or a withdrawal must pass before anything changes: the
 * account's equity covers its initial margin at every price the order can leave the mark at, and
 * no later fill can overflow its records, the market's volume or the fee account.
 */
final class MarginCheck {
    /**
     * An order about to be added, for a margin check: its notional on one side of {@code market};
     * the mark it can leave behind by itself (a resting order's exact mark once it rests, a taker's
     * limit price); whether it takes liquidity, and then the other marks its fills can leave — the
     * best opposite price and the market's index price (0 if none) — and the largest taker fee it
     * can pay; optionally the market's position record to use instead of the stored one.
     */
    record Prospective(int market, long buyNotional, long sellNotional, long markAfter, boolean takes,
                       long bestOpposite, long indexPrice, long maxFee, PositionRecord position) {
    }

    private final Ledger ledger;
    private final Markets markets;
    private final LiveMarks marks;

    MarginCheck(Ledger ledger, Markets markets, LiveMarks marks) {
        this.ledger = ledger;
        this.markets = markets;
        this.marks = marks;
    }

    /**
     * The prospective terms of an order of {@code size} and {@code notional} at {@code price} about to
     * meet {@code book}. A buy fills at or below its limit, but a sell fills at the bids' prices, up to
     * the best bid: a crossing sell counts as worth {@code size} × that bid (its fills, and its fee, can
     * be that much), else an order limited far below the bid would need almost no margin. An order
     * that does not cross leaves the mark where resting there puts it: computed exactly from
     * {@code reference} (the index, or the last trade price) when {@code exactRestingMark}, else
     * bounded by its price (an amended order leaves its old place first).
     */
    static Prospective prospective(int market, Side side, long size, long notional, long price, OrderBook book,
                                   MarketParams params, PositionRecord position, long indexPrice, long reference,
                                   boolean exactRestingMark) {
        boolean takes = TransactionRules.wouldCross(book, side, price);
        long best = takes ? TransactionRules.bestOpposite(book, side) : 0;
        long worth = side == Side.SELL && best > price
                ? exact(() -> Math.multiplyExact(size, best), "size × the best bid is too large") : notional;
        long after = price;
        if (!takes && exactRestingMark) {
            after = MarkPrice.of(reference, side == Side.BUY ? Math.max(book.bestBid(), price) : book.bestBid(),
                    side == Side.SELL ? Math.min(book.bestAsk(), price) : book.bestAsk());
        }
        return new Prospective(market, side == Side.BUY ? worth : 0, side == Side.SELL ? worth : 0, after, takes,
                best, indexPrice, takes ? FillSettlement.feeOf(worth, params.takerFeeBps()) : 0, position);
    }

    /**
     * Refuses what could let a fill overflow the account's records. A fill never raises
     * |collateral| + Σ over its markets of (|realized PnL| + 2 |entry notional| + 3 × open-order
     * notional): it spends 3 × its notional of the open term (a taker: of the order's worth), more
     * than its cash, fee (at most 100 %) and PnL can add. So if that sum ({@link MarginTerms#headroom},
     * over the positions a margin check read) fits in a long whenever an order is accepted or a
     * deposit credited, no later fill, as maker or taker, can overflow the account's collateral,
     * size, entry notional or realized PnL.
     */
    static void checkHeadroom(MarginTerms terms, String what) {
        try {
            terms.headroom();
        } catch (ArithmeticException e) {
            throw reject(RejectCode.OVERFLOW, what + " would let the account's balance, position or PnL overflow");
        }
    }

    /**
     * For an order that will trade: the market's volume grows by at most its size, and the fee
     * account by at most both fees on its worth plus one atom per side per fill for rounding (a fill
     * is at least one lot). Either overflowing refuses the order.
     */
    void checkFillTotals(MarketParams params, Prospective order, long size) {
        if (!order.takes) {
            return;
        }
        exact(() -> Math.addExact(ledger.stats(params.marketId()).volume(), size), "the market's traded volume would overflow");
        if (params.makerFeeBps() > 0 || params.takerFeeBps() > 0) {
            AccountRecord fees = ledger.account(Engine.FEE_ACCOUNT_ID);
            long worth = order.buyNotional + order.sellNotional;
            exact(() -> Math.addExact(fees == null ? 0 : fees.collateral(), Math.addExact(
                    Math.addExact(FillSettlement.feeOf(worth, params.makerFeeBps()), FillSettlement.feeOf(worth, params.takerFeeBps())),
                    Math.multiplyExact(2, size / params.lotSize()))), "the fee account's balance would overflow");
        }
    }

    /**
     * Equity (collateral + unrealized PnL at each market's mark, less the order's largest fee) must
     * cover the initial margin on |position| × mark plus the notional of open orders including
     * {@code order}. For an order the check holds at every mark the order can leave its market at:
     * equity − margin is linear in the mark, and the mark after it is the current one or, resting,
     * the mark with it as the best bid or ask; a taker's is within the range of the current mark,
     * its limit price, the best opposite price and the index (its fills may empty a side, leaving
     * the mark at the index; without an index, at the last fill price, which is between the limit
     * and the best opposite price). So checking those points is enough, and an accepted order never
     * leaves its account below margin at the mark. The inequality is decided exactly ({@link MarginTerms}), never refused as overflow.
     * Returns the terms it read, for {@link #checkHeadroom(MarginTerms, String)}.
     */
    MarginTerms checkMargin(AccountRecord acct, Prospective order, String what) {
        MarginTerms terms = marginTerms(acct, order);
        boolean covered = terms.covers(0);
        if (covered && order != null) {
            if (order.markAfter > 0) {
                covered = terms.covers(order.markAfter);
            }
            if (covered && order.takes && order.bestOpposite > 0) {
                covered = terms.covers(order.bestOpposite);
            }
            if (covered && order.takes && order.indexPrice > 0) {
                covered = terms.covers(order.indexPrice);
            }
        }
        if (!covered) {
            throw reject(RejectCode.INSUFFICIENT_MARGIN, what + " needs initial margin " + terms.required()
                    + " but the account's equity is " + terms.equity());
        }
        return terms;
    }

    /** Reads the terms of {@link MarginTerms}: positions, marks and margin rates of the account's markets. */
    MarginTerms marginTerms(AccountRecord acct, Prospective order) {
        int[] ids = order == null || acct.hasMarket(order.market) ? acct.markets() : acct.withMarket(order.market).markets();
        PositionRecord[] positions = new PositionRecord[ids.length];
        long[] marks = new long[ids.length];
        int[] rates = new int[ids.length];
        int ordered = -1;
        for (int i = 0; i < ids.length; i++) {
            int marketId = ids[i];
            MarketBook market = markets.get(marketId);
            marks[i] = this.marks.of(market);
            rates[i] = market.params.initialMarginBps();
            if (order != null && marketId == order.market) {
                ordered = i;
                positions[i] = order.position != null ? order.position : ledger.position(acct.accountId(), marketId);
            } else {
                positions[i] = ledger.position(acct.accountId(), marketId);
            }
        }
        return order == null
                ? new MarginTerms(acct.collateral(), positions, marks, rates, -1, 0, 0)
                : new MarginTerms(acct.collateral(), positions, marks, rates, ordered,
                        order.buyNotional + order.sellNotional, order.maxFee);
    }
}
