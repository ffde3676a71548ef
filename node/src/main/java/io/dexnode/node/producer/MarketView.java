package io.dexnode.node.producer;

import io.dexnode.engine.schema.MarketParams;
import java.util.List;

/**
 * One market as HTTP threads see it after a block: full depth at {@code height} (best first),
 * the book's order count, and recent trades newest first. Immutable; replaced, never changed.
 */
public record MarketView(MarketParams params, long height, long[][] bids, long[][] asks, int orderCount,
                         List<Trade> trades) {

    /** The first {@code levels} levels of each side. */
    public io.dexnode.engine.Depth depth(int levels) {
        return new io.dexnode.engine.Depth(params.marketId(), height, head(bids, levels), head(asks, levels));
    }

    private static long[][] head(long[][] side, int n) {
        return n >= side.length ? side : java.util.Arrays.copyOf(side, n);
    }
}
