package io.dexnode.engine.exec;

import io.dexnode.book.BookListener;
import io.dexnode.book.BookView;
import io.dexnode.book.OrderBook;
import io.dexnode.engine.BookFactory;
import io.dexnode.engine.recovery.RestingOrder;
import io.dexnode.engine.schema.MarketParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The markets that exist and their in-memory books, by id (sorted: iteration order never depends
 * on hashing). Execution reaches a market's mutable book here; everything outside execution gets
 * a read-only {@link BookView}. A market is added when the block that created it accepts the
 * transaction, and all are reloaded from state by recovery.
 */
public final class Markets {
    private final TreeMap<Integer, MarketBook> byId = new TreeMap<>();
    private final BookFactory factory;
    private final BookListener events;
    private final int expectedOrders;

    Markets(BookFactory factory, BookListener events, int expectedOrders) {
        this.factory = factory;
        this.events = events;
        this.expectedOrders = expectedOrders;
    }

    /** A market and its book, or null. */
    MarketBook get(int marketId) {
        return byId.get(marketId);
    }

    void add(MarketParams params) {
        byId.put(params.marketId(), new MarketBook(params, factory.create(params, events, expectedOrders)));
    }

    /** Ids of all markets, ascending. */
    public List<Integer> ids() {
        return List.copyOf(byId.keySet());
    }

    /** Every market's parameters, ascending by id. */
    public List<MarketParams> params() {
        List<MarketParams> out = new ArrayList<>(byId.size());
        byId.values().forEach(m -> out.add(m.params));
        return out;
    }

    /** A market's book, read-only; null for an unknown market. */
    public BookView view(int marketId) {
        MarketBook m = byId.get(marketId);
        return m == null ? null : m.book.view();
    }

    /**
     * Replaces the markets by {@code params} (read from committed state), every book empty. A
     * market whose parameters are unchanged keeps its (cleared) book; new books are allocated in
     * parallel, as pre-sizing a hundred of them is a few hundred MB to zero.
     */
    public void reload(List<MarketParams> params) {
        Map<Integer, MarketBook> old = new TreeMap<>(byId);
        List<MarketBook> books = params.parallelStream().map(p -> {
            MarketBook kept = old.get(p.marketId());
            if (kept != null && kept.params.equals(p)) {
                kept.book.clear();
                return kept;
            }
            return new MarketBook(p, factory.create(p, events, expectedOrders));
        }).toList();
        byId.clear();
        for (MarketBook b : books) {
            byId.put(b.params.marketId(), b);
        }
    }

    /** Puts recovered orders into one market's book, in the order given; markets may be installed in parallel. */
    public void install(int marketId, List<RestingOrder> orders) {
        OrderBook book = byId.get(marketId).book;
        for (RestingOrder o : orders) {
            book.restore(o.orderId(), o.accountId(), o.side(), o.price(), o.remaining(), o.prioritySeq());
        }
    }

    /** Empties one market's book, without events. */
    public void clear(int marketId) {
        byId.get(marketId).book.clear();
    }
}
