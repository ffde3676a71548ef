package io.dexnode.engine.exec;

import io.dexnode.book.OrderBook;
import io.dexnode.engine.risk.MarkPrice;

/**
 * Each market's mark as it stands during execution ({@link MarkPrice}): from the index price in
 * state (or, before the oracle's first, the last trade price) and the book's best prices right
 * now. Margin checks on place, amend and withdraw value positions at it.
 */
final class LiveMarks {
    private final Ledger ledger;
    private final Markets markets;

    LiveMarks(Ledger ledger, Markets markets) {
        this.ledger = ledger;
        this.markets = markets;
    }

    long of(int marketId) {
        return of(markets.get(marketId));
    }

    /**
     * The reference price is read from state once and kept until a statistics or risk record may
     * have changed (a margin check values every market an account holds, at every order).
     */
    long of(MarketBook market) {
        long epoch = ledger.markInputsEpoch();
        if (market.markReferenceEpoch != epoch) {
            int id = market.params.marketId();
            market.markReference = MarkPrice.reference(ledger.risk(id).indexPrice(), ledger.stats(id).lastPrice());
            market.markReferenceEpoch = epoch;
        }
        OrderBook book = market.book;
        return MarkPrice.of(market.markReference, book.bestBid(), book.bestAsk());
    }
}
