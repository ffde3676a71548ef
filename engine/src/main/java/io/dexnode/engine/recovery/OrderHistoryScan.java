package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.IdKeyRanges;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The pass over every order record: finds each Active order with remaining &gt; 0, per market,
 * ascending by id, whether or not the index names it (so it finds orphans on the way). The order
 * keys are cut into ranges by id ({@link IdKeyRanges}) scanned in parallel, and records are
 * checked in place before any is decoded.
 */
final class OrderHistoryScan {
    private OrderHistoryScan() {
    }

    static TreeMap<Integer, List<RestingOrder>> restingOrders(StateStore store, long maxId, ExecutorService pool,
                                                             int threads) throws InterruptedException, ExecutionException {
        List<Future<TreeMap<Integer, List<RestingOrder>>>> parts = new ArrayList<>();
        for (byte[][] range : IdKeyRanges.split(StateKey.TAG_ORDER, Math.max(0, maxId), Math.max(1, threads) * 4)) {
            parts.add(pool.submit(() -> {
                ByMarket out = new ByMarket();
                store.scanRangeInPlace(range[0], range[1], (k, v) -> {
                    if (OrderRecord.isResting(v)) {
                        out.add(RestingOrder.of(v));
                    }
                });
                return out.lists;
            }));
        }
        TreeMap<Integer, List<RestingOrder>> all = new TreeMap<>();
        for (Future<TreeMap<Integer, List<RestingOrder>>> part : parts) {
            part.get().forEach((m, orders) -> all.computeIfAbsent(m, x -> new ArrayList<>()).addAll(orders));
        }
        return all;
    }

    /** Orders grouped by market: small market ids find their list by index, others (and the result) by map. */
    private static final class ByMarket {
        final TreeMap<Integer, List<RestingOrder>> lists = new TreeMap<>();
        private final List<RestingOrder>[] byId = newLists(1024);

        @SuppressWarnings("unchecked")
        private static List<RestingOrder>[] newLists(int n) {
            return (List<RestingOrder>[]) new List[n];
        }

        void add(RestingOrder o) {
            int m = o.marketId();
            List<RestingOrder> list = m >= 0 && m < byId.length ? byId[m] : null;
            if (list == null) {
                list = lists.computeIfAbsent(m, x -> new ArrayList<>());
                if (m >= 0 && m < byId.length) {
                    byId[m] = list;
                }
            }
            list.add(o);
        }
    }
}
