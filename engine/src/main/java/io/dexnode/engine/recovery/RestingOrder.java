package io.dexnode.engine.recovery;

import io.dexnode.book.Side;
import io.dexnode.engine.schema.OrderRecord;

/** What recovery needs to put an order back in a book and the engine's derived maps. */
public record RestingOrder(int marketId, long orderId, long accountId, Side side, long price, long remaining,
                           long prioritySeq, String clientOrderId) {

    /** An encoded order record read in place; the caller knows it is Active with remaining &gt; 0. */
    static RestingOrder of(java.nio.ByteBuffer record) {
        OrderRecord.InPlace.check(record);
        return new RestingOrder(OrderRecord.InPlace.marketId(record), OrderRecord.InPlace.orderId(record),
                OrderRecord.InPlace.accountId(record), OrderRecord.InPlace.side(record), OrderRecord.InPlace.price(record),
                OrderRecord.InPlace.remaining(record), OrderRecord.InPlace.prioritySeq(record),
                OrderRecord.InPlace.clientOrderId(record));
    }

    static RestingOrder of(OrderRecord o) {
        return new RestingOrder(o.marketId(), o.orderId(), o.accountId(), o.side(), o.price(), o.remaining(),
                o.prioritySeq(), o.clientOrderId());
    }
}
