package io.dexnode.node.producer;

import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.risk.RiskEvent;
import java.util.List;
import java.util.SortedMap;

/**
 * What one committed block changed, for the stream: per touched market the depth levels that
 * changed (size 0 = removed) and its trades, the block's order updates in execution order, the
 * steps of its end-of-block risk pass (liquidations, funding), and the market data published
 * after it (so that a new subscriber's snapshot matches the diffs that follow).
 */
public record BlockEvents(long height, long time, SortedMap<Integer, DepthChange> depth,
                          SortedMap<Integer, List<Trade>> trades, List<OrderUpdate> orderUpdates,
                          List<RiskEvent> riskEvents, MarketData after) {

    /** A market's changed levels in one block. */
    public record DepthChange(long[][] bids, long[][] asks) {
    }
}
