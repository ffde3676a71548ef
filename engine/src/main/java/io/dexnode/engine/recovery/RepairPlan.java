package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.OrderRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes that make the ActiveOrder index agree with the order records again: index entries to
 * delete, entries to (re)write, order records to correct. Committed as one repair block.
 */
final class RepairPlan {
    record EntryDelete(int marketId, long orderId) {
    }

    record EntryPut(int marketId, long orderId, ActiveOrderEntry entry) {
    }

    /** An account whose open-order exposure in a market must be recomputed after the repair. */
    record AccountMarket(long accountId, int marketId) {
    }

    final List<EntryDelete> deletes = new ArrayList<>();
    final java.util.Set<AccountMarket> touched = new java.util.HashSet<>();
    final List<EntryPut> puts = new ArrayList<>();
    final List<OrderRecord> orders = new ArrayList<>();
    /** Whether state's count of resting orders is wrong (every repair block writes the right one). */
    boolean countWrong;

    boolean isEmpty() {
        return deletes.isEmpty() && puts.isEmpty() && orders.isEmpty() && !countWrong;
    }
}
