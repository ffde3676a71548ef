package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;

/**
 * Visits a market's ActiveOrder entries in id order, read in place through the layouts their
 * codecs own ({@link StateKey.ActiveOrder}, {@link ActiveOrderEntry}): this runs over every
 * resting order in each recovery and each consistency check, so no entry is decoded into objects.
 */
final class ActiveOrderIndexScan {
    /** What an ActiveOrder entry says: its order, priority and remaining size. */
    interface EntryVisitor {
        void entry(long orderId, long prioritySeq, long remaining);
    }

    private ActiveOrderIndexScan() {
    }

    static void scan(StateStore store, int marketId, EntryVisitor visitor) {
        store.scanPrefixInPlace(StateKey.ActiveOrder.marketPrefix(marketId), (k, v) -> {
            long orderId = StateKey.ActiveOrder.orderIdOf(k);
            ActiveOrderEntry.checkInPlace(v);
            visitor.entry(orderId, ActiveOrderEntry.prioritySeq(v), ActiveOrderEntry.remaining(v));
        });
    }

    /** The digest of a market's index entries (id, remaining, priority), as committed. */
    static BookDigest digest(StateStore store, int marketId) {
        BookDigest.Accumulator acc = new BookDigest.Accumulator();
        scan(store, marketId, (id, seq, remaining) -> acc.add(id, remaining, seq));
        return acc.result();
    }
}
