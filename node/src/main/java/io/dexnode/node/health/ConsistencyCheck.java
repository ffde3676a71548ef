package io.dexnode.node.health;

import io.dexnode.book.OrderBook;
import io.dexnode.engine.Engine;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.StateKey;

/**
 * The periodic check behind readiness: per market, the in-memory book holds exactly as many orders
 * as the committed ActiveOrder index has entries. Runs on the producer thread (it reads the books).
 */
public final class ConsistencyCheck {
    private ConsistencyCheck() {
    }

    /** The first disagreement found, or null when every market agrees. */
    public static String run(Engine engine) {
        for (MarketParams m : engine.markets()) {
            OrderBook book = engine.book(m.marketId());
            long[] indexed = new long[1];
            engine.store().scanPrefix(StateKey.ActiveOrder.marketPrefix(m.marketId()), (k, v) -> indexed[0]++);
            if (book == null || book.orderCount() != indexed[0]) {
                return "market " + m.marketId() + ": book holds " + (book == null ? 0 : book.orderCount())
                        + " orders but the ActiveOrder index has " + indexed[0];
            }
        }
        return null;
    }
}
