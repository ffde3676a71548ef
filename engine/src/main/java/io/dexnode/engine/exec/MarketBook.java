package io.dexnode.engine.exec;

import io.dexnode.book.OrderBook;
import io.dexnode.engine.schema.MarketParams;

/** A market's parameters and its in-memory book. */
final class MarketBook {
    final MarketParams params;
    final OrderBook book;
    /** The mark's reference price ({@link LiveMarks}) and the state's mark-inputs epoch it was read at. */
    long markReference;
    long markReferenceEpoch = Long.MIN_VALUE;

    MarketBook(MarketParams params, OrderBook book) {
        this.params = params;
        this.book = book;
    }
}
