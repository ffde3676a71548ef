package io.dexnode.engine;

import io.dexnode.book.Side;
import io.dexnode.engine.schema.OrderRecord;

/** What recovery needs to put an order back in a book and the engine's derived maps. */
public record RestingOrder(int marketId, long orderId, long accountId, Side side, long price, long remaining,
                           long prioritySeq, String clientOrderId) {

    static RestingOrder of(OrderRecord o) {
        return new RestingOrder(o.marketId(), o.orderId(), o.accountId(), o.side(), o.price(), o.remaining(),
                o.prioritySeq(), o.clientOrderId());
    }
}
