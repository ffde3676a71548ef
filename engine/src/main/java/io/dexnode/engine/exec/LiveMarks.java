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
        OrderBook book = markets.get(marketId).book;
        long reference = MarkPrice.reference(ledger.risk(marketId).indexPrice(), ledger.stats(marketId).lastPrice());
        return MarkPrice.of(reference, book.bestBid(), book.bestAsk());
    }
}
