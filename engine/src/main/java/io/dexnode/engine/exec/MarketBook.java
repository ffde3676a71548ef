package io.dexnode.engine.exec;

import io.dexnode.book.OrderBook;
import io.dexnode.engine.schema.MarketParams;

/** A market's parameters and its in-memory book. */
final class MarketBook {
    final MarketParams params;
    final OrderBook book;

    MarketBook(MarketParams params, OrderBook book) {
        this.params = params;
        this.book = book;
    }
}
