package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

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

    /** Where the entries are read: the store's latest values, or a pinned view of them. */
    interface Source {
        void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor);
    }

    private ActiveOrderIndexScan() {
    }

    static void scan(StateStore store, int marketId, EntryVisitor visitor) {
        scan(store::scanPrefixInPlace, marketId, visitor);
    }

    static void scan(Source source, int marketId, EntryVisitor visitor) {
        source.scanPrefixInPlace(StateKey.ActiveOrder.marketPrefix(marketId), (k, v) -> {
            long orderId = StateKey.ActiveOrder.orderIdOf(k);
            ActiveOrderEntry.checkInPlace(v);
            visitor.entry(orderId, ActiveOrderEntry.prioritySeq(v), ActiveOrderEntry.remaining(v));
        });
    }

    /** The digest of a market's index entries (id, remaining, priority), as committed. */
    static BookDigest digest(Source source, int marketId) {
        BookDigest.Accumulator acc = new BookDigest.Accumulator();
        scan(source, marketId, (id, seq, remaining) -> acc.add(id, remaining, seq));
        return acc.result();
    }
}
