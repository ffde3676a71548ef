package io.dexnode.engine;

import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.tx.Rejection;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * The outcome of one transaction: accepted with its effects, or a typed rejection that changed
 * nothing. For order transactions {@code orderId}, {@code status} and {@code remaining} describe
 * the order afterwards; {@code accountId} is the account the transaction acted for (0 if none).
 * An accepted batch has one result per action, in order, in {@code actions} (empty otherwise).
 */
public record TxResult(Tx tx, Rejection rejection, long accountId, long orderId, OrderStatus status,
                       long remaining, List<Fill> fills, List<TxResult> actions) {

    public TxResult(Tx tx, Rejection rejection, long accountId, long orderId, OrderStatus status, long remaining,
                    List<Fill> fills) {
        this(tx, rejection, accountId, orderId, status, remaining, fills, List.of());
    }

    public boolean accepted() {
        return rejection == null;
    }

    public static TxResult rejected(Tx tx, Rejection rejection) {
        return new TxResult(tx, rejection, 0, 0, null, 0, List.of());
    }
}
