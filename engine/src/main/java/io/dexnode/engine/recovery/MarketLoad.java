package io.dexnode.engine.recovery;

import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One market's ActiveOrder index entries and the orders they name, validated: an entry's order
 * may rest if it exists, is Active with remaining &gt; 0, belongs to this market, and agrees with
 * the entry's priority and remaining. The valid ones, in priority order, are what the book gets.
 */
final class MarketLoad {
    static final int MULTI_GET_CHUNK = 4096;

    final int marketId;
    final LongList ids = new LongList();
    final LongList seqs = new LongList();
    final LongList remainings = new LongList();
    /** Per entry, the order it names when that order may rest in this market, else null. */
    RestingOrder[] candidates;
    /** Per entry without a candidate, its order record, decoded to say what is wrong (null: missing). */
    OrderRecord[] records;
    /** The candidates, ascending by priority. */
    List<RestingOrder> valid = new ArrayList<>();

    private MarketLoad(int marketId) {
        this.marketId = marketId;
    }

    /** The digest of the index entries as loaded. */
    BookDigest indexDigest() {
        BookDigest.Accumulator acc = new BookDigest.Accumulator();
        for (int i = 0; i < ids.size(); i++) {
            acc.add(ids.get(i), remainings.get(i), seqs.get(i));
        }
        return acc.result();
    }

    /** The market's index entries and their order records, read by key. */
    static MarketLoad load(StateStore store, int marketId) {
        MarketLoad load = indexOnly(store, marketId);
        List<byte[]> keys = new ArrayList<>(load.ids.size());
        for (int i = 0; i < load.ids.size(); i++) {
            keys.add(new StateKey.Order(load.ids.get(i)).encode());
        }
        load.candidates = new RestingOrder[keys.size()];
        load.records = new OrderRecord[keys.size()];
        int at = 0;
        for (int from = 0; from < keys.size(); from += MULTI_GET_CHUNK) {
            for (byte[] raw : store.multiGet(keys.subList(from, Math.min(keys.size(), from + MULTI_GET_CHUNK)))) {
                load.take(at++, raw);
            }
        }
        load.collectValid();
        return load;
    }

    /** Entry {@code i}'s order record, read by key. */
    private void take(int i, byte[] raw) {
        OrderRecord o = raw == null ? null : OrderRecord.decode(raw);
        if (classify(o, marketId) == null) {
            candidates[i] = RestingOrder.of(o);
        } else {
            records[i] = o;
        }
    }

    /** The market's index entries only; the records come from {@link #attach}. */
    static MarketLoad indexOnly(StateStore store, int marketId) {
        MarketLoad load = new MarketLoad(marketId);
        ActiveOrderIndexScan.scan(store, marketId, (id, seq, remaining) -> {
            load.ids.add(id);
            load.seqs.add(seq);
            load.remainings.add(remaining);
        });
        return load;
    }

    /**
     * Takes the index entries' orders from the market's resting orders of the pass over all
     * records (both ascending by id); entries whose order does not rest are read by key to say why.
     */
    void attach(StateStore store, List<RestingOrder> resting) {
        candidates = new RestingOrder[ids.size()];
        records = new OrderRecord[ids.size()];
        List<byte[]> missingKeys = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            while (j < resting.size() && resting.get(j).orderId() < id) {
                j++;
            }
            if (j < resting.size() && resting.get(j).orderId() == id) {
                candidates[i] = resting.get(j++);
            } else {
                missingKeys.add(new StateKey.Order(id).encode());
                missingAt.add(i);
            }
        }
        List<byte[]> raws = missingKeys.isEmpty() ? List.of() : store.multiGet(missingKeys);
        for (int k = 0; k < raws.size(); k++) {
            take(missingAt.get(k), raws.get(k));
        }
        collectValid();
    }

    private void collectValid() {
        valid = new ArrayList<>(candidates.length);
        for (RestingOrder o : candidates) {
            if (o != null) {
                valid.add(o);
            }
        }
        valid.sort(Comparator.comparingLong(RestingOrder::prioritySeq));
    }

    /**
     * The market's resting orders (ascending by id, from the pass over all records) that have
     * no index entry here: orphans, re-indexed and restored.
     */
    void addOrphans(List<RestingOrder> resting, RecoveryReport.Builder report, RepairPlan plan) {
        int found = 0;
        int j = 0;
        for (RestingOrder o : resting) {
            while (j < ids.size() && ids.get(j) < o.orderId()) {
                j++;
            }
            if (j < ids.size() && ids.get(j) == o.orderId()) {
                continue;
            }
            report.found(Inconsistency.ORPHANED_ACTIVE_ORDER, o.orderId());
            plan.puts.add(new RepairPlan.EntryPut(marketId, o.orderId(), new ActiveOrderEntry(o.prioritySeq(), o.remaining())));
            plan.touched.add(new RepairPlan.AccountMarket(o.accountId(), marketId));
            valid.add(o);
            found++;
        }
        if (found > 0) {
            valid.sort(Comparator.comparingLong(RestingOrder::prioritySeq));
            report.restored(marketId, found);
        }
    }

    /**
     * What is wrong with the order an entry of {@code marketId} names, judged by the record
     * alone: null if it may rest (the entry's own fields are compared separately).
     */
    static Inconsistency classify(OrderRecord o, int marketId) {
        if (o == null) {
            return Inconsistency.MISSING_ORDER;
        }
        return switch (o.status()) {
            case FILLED -> Inconsistency.FILLED_ORDER;
            case CANCELLED -> Inconsistency.CANCELLED_ORDER;
            case ACTIVE -> o.remaining() <= 0 ? Inconsistency.ZERO_REMAINING
                    : o.marketId() != marketId ? Inconsistency.WRONG_MARKET : null;
        };
    }

    /** Classifies every invalid entry into the report and the repair plan. */
    void report(RecoveryReport.Builder report, RepairPlan plan) {
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            RestingOrder c = candidates[i];
            if (c != null) {
                if (c.prioritySeq() != seqs.get(i) || c.remaining() != remainings.get(i)) {
                    report.found(Inconsistency.ENTRY_MISMATCH, id);
                    plan.puts.add(new RepairPlan.EntryPut(marketId, id, new ActiveOrderEntry(c.prioritySeq(), c.remaining())));
                    plan.touched.add(new RepairPlan.AccountMarket(c.accountId(), marketId));
                }
                continue;
            }
            OrderRecord o = records[i];
            Inconsistency problem = classify(o, marketId);
            report.found(problem, id);
            plan.deletes.add(new RepairPlan.EntryDelete(marketId, id));
            if (problem != Inconsistency.MISSING_ORDER) {
                plan.touched.add(new RepairPlan.AccountMarket(o.accountId(), o.marketId()));
                if (problem == Inconsistency.ZERO_REMAINING) {
                    plan.orders.add(o.withStatus(OrderStatus.FILLED, o.updatedHeight()));
                }
            }
        }
        candidates = null;
        records = null;
        report.restored(marketId, valid.size());
    }
}
