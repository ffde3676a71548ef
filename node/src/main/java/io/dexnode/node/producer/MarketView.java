package io.dexnode.node.producer;

import io.dexnode.engine.schema.MarketParams;

/**
 * One market as HTTP threads see it after a block: full depth at {@code height} (best first) and
 * the book's order count. Immutable; replaced, never changed. (Trades are history, read from the
 * store: {@code HistoryQueries}.)
 */
public record MarketView(MarketParams params, long height, long[][] bids, long[][] asks, int orderCount) {

    /** The first {@code levels} levels of each side. */
    public io.dexnode.engine.Depth depth(int levels) {
        return new io.dexnode.engine.Depth(params.marketId(), height, head(bids, levels), head(asks, levels));
    }

    private static long[][] head(long[][] side, int n) {
        return n >= side.length ? side : java.util.Arrays.copyOf(side, n);
    }
}
