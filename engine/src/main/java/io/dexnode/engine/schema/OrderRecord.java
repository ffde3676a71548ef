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
        if (value.limit() < 57 || value.get(0) != FORMAT) {
            return false;
        }
        return value.getLong(38) > 0 && value.get(56) == OrderStatus.ACTIVE.ordinal();
    }

    public static OrderRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "order", FORMAT);
        OrderRecord o = new OrderRecord(r.i64(), r.u32(), r.i64(), enumAt(Side.values(), r.u8()), r.i64(), r.i64(),
                r.i64(), r.i64(), enumAt(TimeInForce.values(), r.u8()), enumAt(SelfTradePrevention.values(), r.u8()),
                enumAt(OrderStatus.values(), r.u8()), r.i64(), r.i64(), r.i64(), r.str());
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
