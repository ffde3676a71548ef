package io.dexnode.engine;

import io.dexnode.engine.RecoveryReport.Inconsistency;
import io.dexnode.engine.schema.ActiveOrderValue;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a market's active orders from committed state: scan its ActiveOrder prefix, multi-get the
 * order records, keep the valid ones (exists, Active, remaining &gt; 0, same market) and return
 * them in priority order, reporting every invalid entry.
 */
public final class OrderbookRecovery {
    private OrderbookRecovery() {
    }

    static List<OrderRecord> loadActive(StateStore store, int marketId, RecoveryReport.Builder report) {
        List<Long> ids = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        store.scanPrefix(StateKey.ActiveOrder.marketPrefix(marketId), (k, v) -> {
            StateKey.ActiveOrder entry = (StateKey.ActiveOrder) StateKey.decode(k);
            ids.add(entry.orderId());
            seqs.add(ActiveOrderValue.decode(v));
            keys.add(new StateKey.Order(entry.orderId()).encode());
        });
        List<byte[]> values = store.multiGet(keys);
        List<OrderRecord> valid = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            byte[] raw = values.get(i);
            if (raw == null) {
                report.found(Inconsistency.MISSING_ORDER, id);
                continue;
            }
            OrderRecord o = OrderRecord.decode(raw);
            Inconsistency problem = switch (o.status()) {
                case FILLED -> Inconsistency.FILLED_ORDER;
                case CANCELLED -> Inconsistency.CANCELLED_ORDER;
                case ACTIVE -> o.remaining() <= 0 ? Inconsistency.ZERO_REMAINING
                        : o.marketId() != marketId ? Inconsistency.WRONG_MARKET
                        : o.prioritySeq() != seqs.get(i) ? Inconsistency.WRONG_PRIORITY : null;
            };
            if (problem != null) {
                report.found(problem, id);
            } else {
                valid.add(o);
            }
        }
        valid.sort(Comparator.comparingLong(OrderRecord::prioritySeq));
        report.restored(marketId, valid.size());
        return valid;
    }
}
