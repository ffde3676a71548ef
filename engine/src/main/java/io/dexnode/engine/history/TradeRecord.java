package io.dexnode.engine.history;

import io.dexnode.book.Side;
import io.dexnode.engine.Fill;
import java.nio.ByteBuffer;

/**
 * A trade as history keeps it: the fill, the block that made it (height and time) and its place
 * among that block's fills ({@code index}, which with the height orders an account's fills across
 * markets). Stored once per market and once per account that took part.
 */
public record TradeRecord(long height, long time, int index, Fill fill) {
    private static final byte FORMAT = 1;
    private static final int LENGTH = 98;

    byte[] encode() {
        Fill f = fill;
        return ByteBuffer.allocate(LENGTH).put(FORMAT).putLong(height).putLong(time).putInt(index).putInt(f.market())
                .putLong(f.tradeId()).putLong(f.makerOrderId()).putLong(f.makerAccount()).putLong(f.takerOrderId())
                .putLong(f.takerAccount()).put((byte) f.takerSide().ordinal()).putLong(f.price()).putLong(f.size())
                .putLong(f.makerFee()).putLong(f.takerFee()).array();
    }

    static TradeRecord decode(byte[] value) {
        if (value.length != LENGTH || value[0] != FORMAT) {
            throw new IllegalStateException("trade record of " + value.length + " bytes with format "
                    + (value.length == 0 ? "none" : value[0]) + ", expected " + LENGTH + " bytes of format " + FORMAT);
        }
        ByteBuffer b = ByteBuffer.wrap(value, 1, LENGTH - 1);
        long height = b.getLong();
        long time = b.getLong();
        int index = b.getInt();
        int market = b.getInt();
        long tradeId = b.getLong();
        long makerOrder = b.getLong();
        long makerAccount = b.getLong();
        long takerOrder = b.getLong();
        long takerAccount = b.getLong();
        int side = b.get();
        if (side != 0 && side != 1) {
            throw new IllegalStateException("trade record holds side " + side);
        }
        Fill f = new Fill(market, tradeId, makerOrder, makerAccount, takerOrder, takerAccount, Side.values()[side],
                b.getLong(), b.getLong(), b.getLong(), b.getLong());
        return new TradeRecord(height, time, index, f);
    }

    /** This fill's place in its account's history, as a page cursor: {@code "<height>.<index>"}. */
    public String fillCursor() {
        return height + "." + index;
    }
}
