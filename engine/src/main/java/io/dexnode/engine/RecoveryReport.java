package io.dexnode.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a rebuild of the books found: orders restored per market and every inconsistency between
 * the ActiveOrder index and the order records, by kind, with the order ids involved.
 */
public record RecoveryReport(Map<Integer, Integer> ordersByMarket, Map<Inconsistency, List<Long>> inconsistencies) {

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
        /** An Active order with remaining &gt; 0 and no index entry. */
        ORPHANED_ACTIVE_ORDER,
        /** An index entry whose priority differs from the order's. */
        WRONG_PRIORITY;

        public String metricName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
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

    /** Collects a report; thread-confined. */
    public static final class Builder {
        private final java.util.TreeMap<Integer, Integer> orders = new java.util.TreeMap<>();
        private final EnumMap<Inconsistency, List<Long>> found = new EnumMap<>(Inconsistency.class);

        public void restored(int market, int count) {
            orders.merge(market, count, Integer::sum);
        }

        public void found(Inconsistency kind, long orderId) {
            found.computeIfAbsent(kind, k -> new ArrayList<>()).add(orderId);
        }

        public void merge(Builder other) {
            other.orders.forEach(this::restored);
            other.found.forEach((k, ids) -> found.computeIfAbsent(k, x -> new ArrayList<>()).addAll(ids));
        }

        public RecoveryReport build() {
            EnumMap<Inconsistency, List<Long>> copy = new EnumMap<>(Inconsistency.class);
            found.forEach((k, ids) -> {
                List<Long> sorted = new ArrayList<>(ids);
                Collections.sort(sorted);
                copy.put(k, List.copyOf(sorted));
            });
            return new RecoveryReport(Collections.unmodifiableMap(new java.util.TreeMap<>(orders)),
                    Collections.unmodifiableMap(copy));
        }
    }
}
