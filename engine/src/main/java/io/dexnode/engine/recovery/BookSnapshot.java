package io.dexnode.engine.recovery;

import java.util.List;
import java.util.Map;

/** A warm snapshot of every book: the committed height and state root it shows, and each market's orders in L3 order. */
public record BookSnapshot(long version, byte[] root, Map<Integer, List<RestingOrder>> orders) {
    public int orderCount() {
        return orders.values().stream().mapToInt(List::size).sum();
    }
}
