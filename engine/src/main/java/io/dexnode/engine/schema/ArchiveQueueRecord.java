package io.dexnode.engine.schema;

import java.util.Arrays;

/**
 * The finished orders due to leave the tree in one block, under {@link StateKey.ArchiveQueue}:
 * their ids, ascending, never empty. One key per block that finished orders, not one per order,
 * so queueing costs the tree one write per block.
 */
public final class ArchiveQueueRecord {
    private static final byte FORMAT = 1;
    private final long[] orderIds;

    /** A queue of {@code orderIds} (copied), which must be ascending, distinct and not empty. */
    public ArchiveQueueRecord(long[] orderIds) {
        if (orderIds.length == 0) {
            throw new IllegalArgumentException("an archive queue holds at least one order");
        }
        for (int i = 1; i < orderIds.length; i++) {
            if (orderIds[i] <= orderIds[i - 1]) {
                throw new IllegalArgumentException("archive queue ids must ascend: " + orderIds[i - 1] + " then " + orderIds[i]);
            }
        }
        this.orderIds = orderIds.clone();
    }

    /** The ids, ascending (a copy). */
    public long[] orderIds() {
        return orderIds.clone();
    }

    public int size() {
        return orderIds.length;
    }

    public byte[] encode() {
        ValueWriter w = new ValueWriter(FORMAT).u32(orderIds.length);
        for (long id : orderIds) {
            w.i64(id);
        }
        return w.bytes();
    }

    public static ArchiveQueueRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "archive queue", FORMAT);
        int n = r.u32();
        if (n <= 0 || n > (value.length - 5) / 8) {
            throw new IllegalStateException("archive queue record claims " + n + " ids in " + value.length + " bytes");
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.i64();
        }
        r.expectEnd();
        try {
            return new ArchiveQueueRecord(ids);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("archive queue record is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchiveQueueRecord q && Arrays.equals(orderIds, q.orderIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(orderIds);
    }

    @Override
    public String toString() {
        return "ArchiveQueueRecord" + Arrays.toString(orderIds);
    }
}
