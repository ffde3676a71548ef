package io.dexnode.engine.schema;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;

/**
 * An order as stored under {@link StateKey.Order}. {@code size} is the size last asked for (the
 * original, or the amended one), {@code remaining} what can still fill, {@code filled} the total
 * filled over the order's life.
 */
public record OrderRecord(long orderId, int marketId, long accountId, Side side, long price, long size,
                          long remaining, long filled, TimeInForce tif, SelfTradePrevention stp,
                          OrderStatus status, long prioritySeq, long createdHeight, long updatedHeight,
                          String clientOrderId) {
    private static final byte FORMAT = 1;

    // Byte offsets of the encoded fields (the layout of encode), for reads in place.
    private static final int ORDER_ID_AT = 1;
    private static final int MARKET_ID_AT = 9;
    private static final int ACCOUNT_ID_AT = 13;
    private static final int SIDE_AT = 21;
    private static final int PRICE_AT = 22;
    private static final int REMAINING_AT = 38;
    private static final int TIF_AT = 54;
    private static final int STP_AT = 55;
    private static final int STATUS_AT = 56;
    private static final int PRIORITY_SEQ_AT = 57;
    private static final int CLIENT_ID_LENGTH_AT = 81;
    /** The client order id's bytes, after every fixed-width field: also the shortest record. */
    private static final int CLIENT_ID_AT = 85;

    public boolean isActive() {
        return status == OrderStatus.ACTIVE;
    }

    public OrderRecord withFill(long size, long height) {
        long left = remaining - size;
        return new OrderRecord(orderId, marketId, accountId, side, price, this.size, left, filled + size, tif, stp,
                left == 0 ? OrderStatus.FILLED : status, prioritySeq, createdHeight, height, clientOrderId);
    }

    public OrderRecord withStatus(OrderStatus newStatus, long height) {
        return new OrderRecord(orderId, marketId, accountId, side, price, size, remaining, filled, tif, stp,
                newStatus, prioritySeq, createdHeight, height, clientOrderId);
    }

    public OrderRecord withAmend(long newPrice, long newSize, long newRemaining, long newPrioritySeq, long height) {
        return new OrderRecord(orderId, marketId, accountId, side, newPrice, newSize, newRemaining, filled, tif, stp,
                status, newPrioritySeq, createdHeight, height, clientOrderId);
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(orderId).u32(marketId).i64(accountId).u8(side.ordinal()).i64(price)
                .i64(size).i64(remaining).i64(filled).u8(tif.ordinal()).u8(stp.ordinal()).u8(status.ordinal())
                .i64(prioritySeq).i64(createdHeight).i64(updatedHeight).str(clientOrderId).bytes();
    }

    /**
     * Whether an encoded record is an Active order with remaining &gt; 0, read in place without
     * decoding it (recovery's pass over all order history asks this of every record).
     */
    public static boolean isResting(java.nio.ByteBuffer value) {
        if (value.limit() <= STATUS_AT || value.get(0) != FORMAT) {
            return false;
        }
        return value.getLong(REMAINING_AT) > 0 && value.get(STATUS_AT) == OrderStatus.ACTIVE.ordinal();
    }

    /**
     * The fields of an encoded record read in place (the layout of {@link #encode}), for
     * recovery's pass over all orders: a record it keeps is checked whole by {@link #check} and
     * read field by field, without decoding it into an object first.
     */
    public static final class InPlace {
        private InPlace() {
        }

        /** Throws as {@link #decode} would on a malformed record (format, length, enum ordinals, trailing bytes). */
        public static void check(java.nio.ByteBuffer v) {
            if (v.limit() < CLIENT_ID_AT || v.get(0) != FORMAT) {
                throw new IllegalStateException("order record of " + v.limit() + " bytes with format "
                        + (v.limit() == 0 ? "none" : v.get(0)) + ", expected format " + FORMAT + " and at least " + CLIENT_ID_AT + " bytes");
            }
            enumAt(SIDES, v.get(SIDE_AT) & 0xff);
            enumAt(TIFS, v.get(TIF_AT) & 0xff);
            enumAt(STPS, v.get(STP_AT) & 0xff);
            enumAt(STATUSES, v.get(STATUS_AT) & 0xff);
            int lengthPlusOne = v.getInt(CLIENT_ID_LENGTH_AT);
            int expected = CLIENT_ID_AT + (lengthPlusOne == 0 ? 0 : lengthPlusOne - 1);
            if (lengthPlusOne < 0 || v.limit() != expected) {
                throw new IllegalStateException("order record of " + v.limit() + " bytes, expected " + expected);
            }
        }

        public static long orderId(java.nio.ByteBuffer v) {
            return v.getLong(ORDER_ID_AT);
        }

        public static int marketId(java.nio.ByteBuffer v) {
            return v.getInt(MARKET_ID_AT);
        }

        public static long accountId(java.nio.ByteBuffer v) {
            return v.getLong(ACCOUNT_ID_AT);
        }

        public static Side side(java.nio.ByteBuffer v) {
            return SIDES[v.get(SIDE_AT)];
        }

        public static long price(java.nio.ByteBuffer v) {
            return v.getLong(PRICE_AT);
        }

        public static long remaining(java.nio.ByteBuffer v) {
            return v.getLong(REMAINING_AT);
        }

        public static long prioritySeq(java.nio.ByteBuffer v) {
            return v.getLong(PRIORITY_SEQ_AT);
        }

        public static String clientOrderId(java.nio.ByteBuffer v) {
            int lengthPlusOne = v.getInt(CLIENT_ID_LENGTH_AT);
            if (lengthPlusOne == 0) {
                return null;
            }
            byte[] utf8 = new byte[lengthPlusOne - 1];
            v.get(CLIENT_ID_AT, utf8);
            return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // values() clones its array on every call; decoding a million orders should not.
    private static final Side[] SIDES = Side.values();
    private static final TimeInForce[] TIFS = TimeInForce.values();
    private static final SelfTradePrevention[] STPS = SelfTradePrevention.values();
    private static final OrderStatus[] STATUSES = OrderStatus.values();

    public static OrderRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "order", FORMAT);
        OrderRecord o = new OrderRecord(r.i64(), r.u32(), r.i64(), enumAt(SIDES, r.u8()), r.i64(), r.i64(),
                r.i64(), r.i64(), enumAt(TIFS, r.u8()), enumAt(STPS, r.u8()),
                enumAt(STATUSES, r.u8()), r.i64(), r.i64(), r.i64(), r.str());
        r.expectEnd();
        return o;
    }

    static <E> E enumAt(E[] values, int ordinal) {
        if (ordinal >= values.length) {
            throw new IllegalStateException("record holds enum ordinal " + ordinal + " of " + values.length);
        }
        return values[ordinal];
    }
}
