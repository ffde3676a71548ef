package io.dexnode.engine.exec;

import io.dexnode.engine.BalanceChange;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.schema.AccountRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a block's accepted transactions did, in order: fills, order updates, the accounts whose
 * balance changed (sorted) and the orders placed (for the per-account order history).
 */
public final class BlockContext {
    final long height;
    private final List<Fill> fills = new ArrayList<>();
    private final List<OrderUpdate> orderUpdates = new ArrayList<>();
    private final TreeSet<Long> touched = new TreeSet<>();
    private final List<long[]> newOrders = new ArrayList<>();

    public BlockContext(long height) {
        this.height = height;
    }

    void accept(TxContext ctx) {
        fills.addAll(ctx.fills);
        orderUpdates.addAll(ctx.updates);
        touched.addAll(ctx.touched);
        if (ctx.newOrder != null) {
            newOrders.add(ctx.newOrder);
        }
    }

    public List<Fill> fills() {
        return fills;
    }

    public List<OrderUpdate> orderUpdates() {
        return orderUpdates;
    }

    /** Each placed order's (account id, order id), in order. */
    public List<long[]> newOrders() {
        return newOrders;
    }

    /** The new balance of every account the block changed, ascending by id. */
    public List<BalanceChange> balances(Ledger ledger) {
        List<BalanceChange> out = new ArrayList<>(touched.size());
        for (long id : touched) {
            AccountRecord a = ledger.account(id);
            out.add(new BalanceChange(id, a.name(), a.collateral()));
        }
        return out;
    }
}
