package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.exact;
import static io.dexnode.engine.exec.TransactionRules.reject;

import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.engine.Engine;
import io.dexnode.engine.MarginTerms;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.RejectCode;

/**
 * The risk checks an order, an amendment or a withdrawal must pass before anything changes: the
 * account's equity covers its initial margin at every price its fills can leave the mark at, and
 * no later fill can overflow its records, the market's volume or the fee account.
 */
final class MarginCheck {
    /**
     * An order about to be added, for a margin check: its notional on one side of {@code market},
     * its limit price (a taker moves that market's mark at most to it), the largest taker fee it
     * can pay, and optionally the market's position record to use instead of the stored one. An
     * order that does not cross the book trades nothing as it is placed: limit price, best opposite
     * price and fee are then 0, and the check is the plain one at the last trade price.
     */
    record Prospective(int market, long buyNotional, long sellNotional, long limitPrice, long bestOpposite,
                       long maxFee, PositionRecord position) {
    }

    private final Ledger ledger;
    private final Markets markets;

    MarginCheck(Ledger ledger, Markets markets) {
        this.ledger = ledger;
        this.markets = markets;
    }

    /**
     * The prospective terms of an order of {@code size} and {@code notional} at {@code price} about to
     * meet {@code book}. A buy fills at or below its limit, but a sell fills at the bids' prices, up to
     * the best bid: a crossing sell counts as worth {@code size} × that bid (its fills, and its fee, can
     * be that much), else an order limited far below the bid would need almost no margin.
     */
    static Prospective prospective(int market, Side side, long size, long notional, long price, OrderBook book,
                                   MarketParams params, PositionRecord position) {
        boolean takes = TransactionRules.wouldCross(book, side, price);
        long best = takes ? TransactionRules.bestOpposite(book, side) : 0;
        long worth = side == Side.SELL && best > price
                ? exact(() -> Math.multiplyExact(size, best), "size × the best bid is too large") : notional;
        return new Prospective(market, side == Side.BUY ? worth : 0, side == Side.SELL ? worth : 0,
                takes ? price : 0, best, takes ? FillSettlement.feeOf(worth, params.takerFeeBps()) : 0, position);
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
        if (order.limitPrice == 0) {
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
     * Equity (collateral + unrealized PnL at each market's last trade price, less the order's
     * largest fee) must cover the initial margin on |position| × mark plus the notional of open
     * orders including {@code order}. For an order the check holds at the current mark, at the
     * best opposite price and at its limit price: equity − margin is linear in the mark, and a
     * taker's fills leave the mark at the current one or between the best opposite price and its
     * limit, so an accepted order never leaves its account below margin. The inequality is decided
     * exactly ({@link MarginTerms}), never refused as overflow: a mark set by one trade at an
     * extreme price must not lock every large holder of the market out. Returns the terms it
     * read, for {@link #checkHeadroom(MarginTerms, String)}.
     */
    MarginTerms checkMargin(AccountRecord acct, Prospective order, String what) {
        MarginTerms terms = marginTerms(acct, order);
        boolean covered = terms.covers(0);
        if (covered && order != null && order.limitPrice > 0) {
            covered = terms.covers(order.limitPrice);
            if (covered && order.bestOpposite > 0) {
                covered = terms.covers(order.bestOpposite);
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
            marks[i] = ledger.stats(marketId).lastPrice();
            rates[i] = markets.get(marketId).params.initialMarginBps();
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
