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
 * Turns blocks into market data in two steps. {@link #prepare} runs on the block thread (the only
 * one that may read the engine's books) right after a block executed and before the next one
 * does: it recomputes the full depth of each market the block touched, diffs it against the block
 * before, and builds an immutable {@link MarketData} with the block's trades for the stream —
 * readers do not see it yet. {@link #install} makes it what readers see once the block is durable
 * (from any thread, blocks in height order). Markets the block did not touch keep their previous
 * view (with the new height). The trades that last are the store's history, written with each
 * block.
 *
 * <p>Invariant: {@link #current()} is the books exactly as a durable block left them — never a
 * later block's, whose write may still fail.
 */
public final class MarketDataPublisher {
    private final Engine engine;
    private volatile MarketData current = MarketData.EMPTY;
    /** The data after the last block prepared, ahead of {@link #current} while that block's write is under way. */
    private MarketData prepared = MarketData.EMPTY;

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
        MarketData all = new MarketData(height, views);
        synchronized (this) {
            prepared = all;
            current = all;
        }
        return all;
    }

    /**
     * Re-reads one market's view from its book, keeping the heights: after the book was rebuilt from
     * state between blocks. Readers see the rebuilt depth at once when no block's write is under
     * way, else when that block is installed.
     */
    public synchronized void refresh(int marketId) {
        MarketView old = prepared.market(marketId);
        if (old == null) {
            return;
        }
        TreeMap<Integer, MarketView> views = new TreeMap<>(prepared.markets());
        views.put(marketId, view(old.params(), prepared.height()));
        boolean inFlight = current.height() != prepared.height();
        prepared = new MarketData(prepared.height(), views);
        if (!inFlight) {
            current = prepared;
        }
    }

    /**
     * Once {@code events}' block is durable: readers see its market data (with any market
     * refreshed since it was prepared). Any thread; an older block than the one shown changes nothing.
     */
    public synchronized void install(BlockEvents events) {
        if (events.height() <= current.height()) {
            return;
        }
        current = prepared.height() == events.height() ? prepared : events.after();
    }

    /**
     * The market data after {@code block} and what changed in it, read from the books right after it
     * executed (block thread; before the next block executes). Not shown to readers until {@link #install}.
     */
    public BlockEvents prepare(BlockResult block) {
        long height = block.header().height();
        long time = block.header().time();
        MarketData before;
        synchronized (this) {
            before = prepared;
        }
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
        MarketData after = new MarketData(height, views);
        synchronized (this) {
            prepared = after;
        }
        return new BlockEvents(height, time, changes, newTrades, block.orderUpdates(), block.riskEvents(), after);
    }

    private MarketView view(MarketParams p, long height) {
        BookView book = engine.book(p.marketId());
        return new MarketView(p, height, book.depthLevels(Side.BUY, Integer.MAX_VALUE),
                book.depthLevels(Side.SELL, Integer.MAX_VALUE), book.orderCount());
    }
}
