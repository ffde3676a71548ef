package io.dexnode.engine;

import io.dexnode.book.BookReason;
import io.dexnode.book.Side;
import io.dexnode.engine.schema.OrderStatus;

/**
 * An order's new state after a transaction touched it: placed, filled (partly or fully), reduced,
 * amended or cancelled. {@code reason} says why an order ended without filling (e.g.
 * {@link BookReason#CANCELLED_BY_USER}, {@link BookReason#SELF_TRADE},
 * {@link BookReason#IOC_REMAINDER}); null otherwise. How a reason is spelled to clients is the
 * node's business.
 */
public record OrderUpdate(int market, long orderId, long accountId, Side side, long price, OrderStatus status,
                          long remaining, long filled, BookReason reason) {
}
