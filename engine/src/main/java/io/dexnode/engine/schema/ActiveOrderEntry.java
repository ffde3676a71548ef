package io.dexnode.engine.schema;

/**
 * The value of an {@link StateKey.ActiveOrder} index entry: the order's priority sequence and
 * remaining size, so that the index alone can verify a recovered book (count and digest of
 * order id, remaining, priority) without reading the order records.
 */
public record ActiveOrderEntry(long prioritySeq, long remaining) {
    private static final byte FORMAT = 1;

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(prioritySeq).i64(remaining).bytes();
    }

    /** Throws unless {@code value} (read in place, from position 0) starts with this record's format byte. */
    public static void checkFormat(java.nio.ByteBuffer value) {
        if (value.limit() == 0 || value.get(0) != FORMAT) {
            throw new IllegalStateException("active order record has format " + (value.limit() == 0 ? "none" : value.get(0))
                    + ", expected " + FORMAT);
        }
    }

    public static ActiveOrderEntry decode(byte[] value) {
        ValueReader r = new ValueReader(value, "active order", FORMAT);
        ActiveOrderEntry e = new ActiveOrderEntry(r.i64(), r.i64());
        r.expectEnd();
        return e;
    }
}
