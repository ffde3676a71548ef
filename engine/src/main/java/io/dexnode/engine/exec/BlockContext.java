package io.dexnode.engine.exec;

import io.dexnode.engine.BalanceChange;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.RiskPassStats;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a block's accepted transactions and its end-of-block risk pass did, in order: fills, order
 * updates, the accounts whose balance changed (sorted), the orders placed (for the per-account
 * order history) and the risk pass's events.
 */
public final class BlockContext {
    final long height;
    private final List<Fill> fills = new ArrayList<>();
    private final List<OrderUpdate> orderUpdates = new ArrayList<>();
    private final TreeSet<Long> touched = new TreeSet<>();
    private final List<long[]> newOrders = new ArrayList<>();
    private List<RiskEvent> riskEvents = List.of();
    private RiskPassStats riskStats = RiskPassStats.NONE;

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

    /** The end-of-block risk pass is done: what it did, and what it cost. */
    void riskDone(List<RiskEvent> events, int examined, int liquidated, long nanos, long cpuNanos) {
        this.riskEvents = List.copyOf(events);
        this.riskStats = new RiskPassStats(examined, liquidated, nanos, cpuNanos);
    }

    public List<RiskEvent> riskEvents() {
        return riskEvents;
    }

    public RiskPassStats riskStats() {
        return riskStats;
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
