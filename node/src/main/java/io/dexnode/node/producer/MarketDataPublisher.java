package io.dexnode.node.producer;

import io.dexnode.book.Side;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.book.BookView;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns committed blocks into market data, on the producer thread (the only one that may read the
 * engine's books): recomputes the full depth of each market the block touched, diffs it against
 * the previous one, and publishes an immutable {@link MarketData} with the block's trades for the
 * stream. Markets the block did not touch keep their previous view (with the new height). The
 * trades that last are the store's history, written with each block.
 */
public final class MarketDataPublisher {
    private final Engine engine;
    private volatile MarketData current = MarketData.EMPTY;

    public MarketDataPublisher(Engine engine) {
        this.engine = engine;
    }

    /** The latest published market data; safe from any thread. */
    public MarketData current() {
        return current;
    }

    /** Builds the views of every market from the books (after recovery or genesis). */
    public MarketData publishAll() {
        TreeMap<Integer, MarketView> views = new TreeMap<>();
        long height = engine.height();
        for (MarketParams p : engine.markets()) {
            views.put(p.marketId(), view(p, height));
        }
        current = new MarketData(height, views);
        return current;
    }

    /**
     * Re-reads one market's view from its book, keeping the published height:
     * after the book was rebuilt from state between blocks, so that readers see the rebuilt depth.
     */
    public void refresh(int marketId) {
        MarketData before = current;
        MarketView old = before.market(marketId);
        if (old == null) {
            return;
        }
        TreeMap<Integer, MarketView> views = new TreeMap<>(before.markets());
        views.put(marketId, view(old.params(), before.height()));
        current = new MarketData(before.height(), views);
    }

    /** Publishes the data after {@code block} and returns what changed in it. */
    public BlockEvents publish(BlockResult block) {
        long height = block.header().height();
        long time = block.header().time();
        MarketData before = current;
        TreeSet<Integer> touched = new TreeSet<>();
        for (OrderUpdate u : block.orderUpdates()) {
            touched.add(u.market());
        }
        TreeMap<Integer, List<Trade>> newTrades = new TreeMap<>();
        for (Fill f : block.fills()) {
            touched.add(f.market());
            newTrades.computeIfAbsent(f.market(), k -> new ArrayList<>()).add(new Trade(height, time, f));
        }
        TreeMap<Integer, MarketView> views = new TreeMap<>();
        TreeMap<Integer, BlockEvents.DepthChange> changes = new TreeMap<>();
        for (MarketParams p : engine.markets()) {
            int id = p.marketId();
            MarketView old = before.market(id);
            if (old != null && !touched.contains(id)) {
                views.put(id, new MarketView(p, height, old.bids(), old.asks(), old.orderCount()));
                continue;
            }
            MarketView now = view(p, height);
            views.put(id, now);
            long[][] oldBids = old == null ? new long[0][] : old.bids();
            long[][] oldAsks = old == null ? new long[0][] : old.asks();
            long[][] bidDiff = DepthLevels.diff(oldBids, now.bids(), true);
            long[][] askDiff = DepthLevels.diff(oldAsks, now.asks(), false);
            if (bidDiff.length > 0 || askDiff.length > 0 || old == null) {
                changes.put(id, new BlockEvents.DepthChange(bidDiff, askDiff));
            }
        }
        current = new MarketData(height, views);
        return new BlockEvents(height, time, changes, newTrades, block.orderUpdates(), block.riskEvents(), current);
    }

    private MarketView view(MarketParams p, long height) {
        BookView book = engine.book(p.marketId());
        return new MarketView(p, height, book.depthLevels(Side.BUY, Integer.MAX_VALUE),
                book.depthLevels(Side.SELL, Integer.MAX_VALUE), book.orderCount());
    }
}
