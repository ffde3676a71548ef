package io.dexnode.engine;

import io.dexnode.book.BookListener;
import io.dexnode.book.OrderBook;
import io.dexnode.engine.schema.MarketParams;

/**
 * Makes each market's in-memory book, wired to the engine's events. Production uses
 * {@link #STANDARD}; a test may pass its own (to hold a book and break it on purpose) through
 * {@link Engine#Engine(io.dexnode.state.StateStore, EngineConfig, BookFactory)}.
 */
@FunctionalInterface
public interface BookFactory {
    BookFactory STANDARD = (market, events, expectedOrders) -> new OrderBook(events, expectedOrders);

    OrderBook create(MarketParams market, BookListener events, int expectedOrders);
}
