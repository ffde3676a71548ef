package io.dexnode.engine;

import io.dexnode.book.Side;
import io.dexnode.engine.schema.OrderStatus;

/**
 * An order's new state after a transaction touched it: placed, filled (partly or fully), reduced,
 * amended or cancelled. {@code reason} says why an order ended without filling (e.g.
 * {@code cancelled_by_user}, {@code self_trade}, {@code ioc_remainder}); null otherwise.
 */
public record OrderUpdate(int market, long orderId, long accountId, Side side, long price, OrderStatus status,
                          long remaining, long filled, String reason) {
}
