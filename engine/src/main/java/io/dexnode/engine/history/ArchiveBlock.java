package io.dexnode.engine.history;

import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.OrderRecord;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What one block moved to the archive: the archive head it wrote (committed to by that block's
 * root under {@code StateKey.ArchiveHead}) and the final records, ascending by order id, whose
 * hash the head holds. {@link #verify} is all a client needs, with a proof of the head, to trust
 * the records without trusting the node.
 */
public record ArchiveBlock(long height, ArchiveHeadRecord head, List<OrderRecord> orders) {
    private static final byte FORMAT = 1;

    public ArchiveBlock {
        orders = List.copyOf(orders);
    }

    /** Whether the records are exactly those the head commits to for this block. */
    public boolean verify() {
        return head.height() == height && head.count() == orders.size()
                && java.util.Arrays.equals(head.recordsHash(), ArchiveHeadRecord.recordsHash(orders.stream().map(OrderRecord::encode).toList()));
    }

    /** The stored summary: the head and the ids (the records themselves are stored per order). */
    static byte[] encodeSummary(ArchiveHeadRecord head, List<OrderRecord> orders) {
        byte[] h = head.encode();
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + h.length + 4 + 8 * orders.size()).put(FORMAT).putInt(h.length).put(h).putInt(orders.size());
        for (OrderRecord o : orders) {
            b.putLong(o.orderId());
        }
        return b.array();
    }

    /** The head and ids of a stored summary. */
    record Summary(ArchiveHeadRecord head, long[] orderIds) {
        static Summary decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            if (value.length < 9 || b.get() != FORMAT) {
                throw new IllegalStateException("archive block summary of " + value.length + " bytes is malformed");
            }
            byte[] h = new byte[b.getInt()];
            b.get(h);
            long[] ids = new long[b.getInt()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = b.getLong();
            }
            if (b.hasRemaining()) {
                throw new IllegalStateException("archive block summary has " + b.remaining() + " trailing bytes");
            }
            return new Summary(ArchiveHeadRecord.decode(h), ids);
        }
    }
}
