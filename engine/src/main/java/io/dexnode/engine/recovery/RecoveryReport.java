package io.dexnode.engine.recovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a recovery did: how (from state, from a snapshot, or a snapshot plus incremental catch-up),
 * how long the rebuild took, orders restored per market, every inconsistency between the
 * ActiveOrder index and the order records by kind with the order ids, the height of the repair
 * block that fixed them (0 if none), why a snapshot was not used (null if it was or none existed),
 * and the repair found but not committed yet when repairs were deferred (null otherwise).
 */
public record RecoveryReport(Method method, long nanos, Map<Integer, Integer> ordersByMarket,
                             Map<Inconsistency, List<Long>> inconsistencies, long repairHeight, String snapshotNote,
                             PendingRepair pendingRepair) {

    /** How the books were rebuilt. */
    public enum Method {
        STATE, SNAPSHOT, SNAPSHOT_INCREMENTAL;

        public String metricName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kinds of disagreement between the index and the order records. */
    public enum Inconsistency {
        /** An index entry whose order record does not exist. */
        MISSING_ORDER,
        /** An index entry for an order that is Filled. */
        FILLED_ORDER,
        /** An index entry for an order that is Cancelled. */
        CANCELLED_ORDER,
        /** An index entry for an Active order with remaining 0. */
        ZERO_REMAINING,
        /** An index entry under a market other than the order's. */
        WRONG_MARKET,
        /** An index entry whose priority or remaining differs from the order record's. */
        ENTRY_MISMATCH,
        /** An Active order with remaining &gt; 0 and no index entry. */
        ORPHANED_ACTIVE_ORDER,
        /**
         * The count of resting orders kept in state differs from the orders that rest, with nothing
         * else wrong; its one entry is the count state held (the repair block writes the right one).
         */
        RESTING_COUNT;

        public String metricName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public double seconds() {
        return nanos / 1e9;
    }

    public int totalOrders() {
        return ordersByMarket.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int totalInconsistencies() {
        return inconsistencies.values().stream().mapToInt(List::size).sum();
    }

    public boolean clean() {
        return totalInconsistencies() == 0;
    }

    public String describeInconsistencies() {
        StringBuilder sb = new StringBuilder();
        inconsistencies.forEach((kind, ids) -> {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            if (kind == Inconsistency.RESTING_COUNT) {
                sb.append(kind.metricName()).append(": state counted ").append(ids.get(0)).append(" resting orders");
                return;
            }
            List<Long> shown = ids.size() > 20 ? ids.subList(0, 20) : ids;
            sb.append(kind.metricName()).append(' ').append(ids.size()).append(" order(s) ").append(shown)
                    .append(ids.size() > 20 ? " …" : "");
        });
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /** Collects a report. */
    static final class Builder {
        final TreeMap<Integer, Integer> orders = new TreeMap<>();
        final EnumMap<Inconsistency, List<Long>> found = new EnumMap<>(Inconsistency.class);
        Method method = Method.STATE;
        long repairHeight;
        String snapshotNote;
        PendingRepair pendingRepair;

        synchronized void restored(int market, int count) {
            orders.merge(market, count, Integer::sum);
        }

        synchronized void found(Inconsistency kind, long orderId) {
            found.computeIfAbsent(kind, k -> new ArrayList<>()).add(orderId);
        }

        synchronized RecoveryReport build(long nanos) {
            EnumMap<Inconsistency, List<Long>> copy = new EnumMap<>(Inconsistency.class);
            found.forEach((k, ids) -> {
                List<Long> sorted = new ArrayList<>(ids);
                Collections.sort(sorted);
                copy.put(k, List.copyOf(sorted));
            });
            return new RecoveryReport(method, nanos, Collections.unmodifiableMap(new TreeMap<>(orders)),
                    Collections.unmodifiableMap(copy), repairHeight, snapshotNote, pendingRepair);
        }
    }
}
