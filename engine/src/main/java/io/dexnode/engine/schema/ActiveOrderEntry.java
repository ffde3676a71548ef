package io.dexnode.engine.schema;

/**
 * The value of an {@link StateKey.ActiveOrder} index entry: the order's priority sequence and
 * remaining size, so that the index alone can verify a recovered book (count and digest of
 * order id, remaining, priority) without reading the order records.
 */
public record ActiveOrderEntry(long prioritySeq, long remaining) {
    private static final byte FORMAT = 1;
    /** The encoded length: format, priority sequence i64, remaining i64. */
    public static final int ENCODED_LENGTH = 17;
    private static final int PRIORITY_SEQ_AT = 1;
    private static final int REMAINING_AT = 9;

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

    /**
     * Throws unless {@code value} is a whole encoded entry: the length and format of {@link #encode},
     * so that {@link #prioritySeq(java.nio.ByteBuffer)} and {@link #remaining(java.nio.ByteBuffer)} may read it in place.
     */
    public static void checkInPlace(java.nio.ByteBuffer value) {
        if (value.limit() != ENCODED_LENGTH) {
            throw new IllegalStateException("active order record of " + value.limit() + " bytes, expected " + ENCODED_LENGTH);
        }
        checkFormat(value);
    }

    /** The priority sequence of an encoded entry read in place (checked by {@link #checkInPlace}). */
    public static long prioritySeq(java.nio.ByteBuffer value) {
        return value.getLong(PRIORITY_SEQ_AT);
    }

    /** The remaining size of an encoded entry read in place (checked by {@link #checkInPlace}). */
    public static long remaining(java.nio.ByteBuffer value) {
        return value.getLong(REMAINING_AT);
    }

    public static ActiveOrderEntry decode(byte[] value) {
        ValueReader r = new ValueReader(value, "active order", FORMAT);
        ActiveOrderEntry e = new ActiveOrderEntry(r.i64(), r.i64());
        r.expectEnd();
        return e;
    }
}
