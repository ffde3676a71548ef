package io.dexnode.engine.recovery;

import io.dexnode.book.Side;
import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link RepairPlan} into the writes of one repair block and has the engine commit it:
 * the plan's index entries deleted and (re)written and order records corrected (stamped with the
 * repair block's height), the open-order exposure of every account a repair touched recomputed
 * from the orders that will rest, and the resting-order count set to their number. Accounts and
 * markets are visited in ascending order, so the block is the same on every run.
 */
final class RepairBlock {
    private RepairBlock() {
    }

    /** Commits the repair block as the next block, at the last block's time; returns its height. */
    static long commit(RecoveryTarget target, RepairPlan plan, Map<Integer, List<RestingOrder>> resting, RecoveryReport found) {
        StateStore store = target.store();
        long height = store.latestVersion() + 1;
        long last = store.latestVersion();
        BlockHeader header = last >= 0 ? BlockRecords.header(store, last) : null;
        commit(target, plan, resting, found, height, header == null ? 0 : header.time(), null);
        return height;
    }

    /** Commits the repair block as block {@code height} at {@code time}, with the caller's {@code records}. */
    static void commit(RecoveryTarget target, RepairPlan plan, Map<Integer, List<RestingOrder>> resting, RecoveryReport found,
                       long height, long time, WriteSet records) {
        StateStore store = target.store();
        WriteSet writes = new WriteSet();
        for (RepairPlan.EntryDelete d : plan.deletes) {
            writes.delete(new StateKey.ActiveOrder(d.marketId(), d.orderId()).encode());
        }
        for (RepairPlan.EntryPut p : plan.puts) {
            writes.put(new StateKey.ActiveOrder(p.marketId(), p.orderId()).encode(), p.entry().encode());
        }
        for (OrderRecord o : plan.orders) {
            writes.put(new StateKey.Order(o.orderId()).encode(), o.withStatus(o.status(), height).encode());
        }
        List<RepairPlan.AccountMarket> touched = plan.touched.stream()
                .sorted(Comparator.comparingLong(RepairPlan.AccountMarket::accountId)
                        .thenComparingInt(RepairPlan.AccountMarket::marketId)).toList();
        // An account touched in several markets is read once and gains each market in turn.
        Map<Long, AccountRecord> accounts = new HashMap<>();
        for (RepairPlan.AccountMarket am : touched) {
            long[] open = new long[4];
            for (RestingOrder o : resting.getOrDefault(am.marketId(), List.of())) {
                if (o.accountId() == am.accountId()) {
                    int at = o.side() == Side.BUY ? 0 : 2;
                    open[at] += o.remaining();
                    open[at + 1] = Math.addExact(open[at + 1], Math.multiplyExact(o.price(), o.remaining()));
                }
            }
            StateKey.Position key = new StateKey.Position(am.accountId(), am.marketId());
            byte[] raw = store.get(key.encode());
            PositionRecord p = raw == null ? PositionRecord.EMPTY : PositionRecord.decode(raw);
            writes.put(key.encode(), p.withOpen(open[0], open[1], open[2], open[3]).encode());
            AccountRecord acct = accounts.computeIfAbsent(am.accountId(), id -> {
                byte[] a = store.get(new StateKey.Account(id).encode());
                return a == null ? null : AccountRecord.decode(a);
            });
            if (acct != null && !acct.hasMarket(am.marketId())) {
                acct = acct.withMarket(am.marketId());
                accounts.put(am.accountId(), acct);
                writes.put(new StateKey.Account(am.accountId()).encode(), acct.encode());
            }
        }
        long total = 0;
        for (List<RestingOrder> orders : resting.values()) {
            total += orders.size();
        }
        writes.put(new StateKey.Counters().encode(), target.counters().withActiveOrders(total).encode());
        Map<String, List<Long>> repairs = new LinkedHashMap<>();
        found.inconsistencies().forEach((kind, ids) -> repairs.put(kind.metricName(), ids));
        target.commitRepairBlock(height, time, writes, repairs, records);
    }
}
