package io.dexnode.engine.schema;

/**
 * An account's position in one market under {@link StateKey.Position}: signed size (long &gt; 0),
 * entry notional (the signed cost basis of the open size: buys add price×size, sells subtract),
 * realized PnL, and the size and notional of its open buy and sell orders (for margin).
 *
 * <p>Accounting is exact: on a fill, collateral − entry notional changes by exactly the trade's
 * cash flow, so Σ collateral − Σ entry notional over all accounts equals deposits − withdrawals.
 */
public record PositionRecord(long size, long entryNotional, long realizedPnl,
                             long openBuySize, long openBuyNotional, long openSellSize, long openSellNotional) {
    private static final byte FORMAT = 1;
    public static final PositionRecord EMPTY = new PositionRecord(0, 0, 0, 0, 0, 0, 0);

    public PositionRecord withOpen(long buySize, long buyNotional, long sellSize, long sellNotional) {
        return new PositionRecord(size, entryNotional, realizedPnl, buySize, buyNotional, sellSize, sellNotional);
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(size).i64(entryNotional).i64(realizedPnl).i64(openBuySize)
                .i64(openBuyNotional).i64(openSellSize).i64(openSellNotional).bytes();
    }

    /** The encoded length: format, then seven i64 fields. */
    private static final int ENCODED_LENGTH = 1 + 7 * 8;
    private static final int SIZE_AT = 1;

    /** Reads an encoded record in place, without decoding it (recovery reads every position). */
    public static final class InPlace {
        private InPlace() {
        }

        /** The signed size; throws as {@link #decode} would on a record of another format or length. */
        public static long size(java.nio.ByteBuffer v) {
            if (v.limit() != ENCODED_LENGTH || v.get(0) != FORMAT) {
                throw new IllegalStateException("position record of " + v.limit() + " bytes with format "
                        + (v.limit() == 0 ? "none" : v.get(0)) + ", expected format " + FORMAT + " and " + ENCODED_LENGTH + " bytes");
            }
            return v.getLong(SIZE_AT);
        }
    }

    public static PositionRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "position", FORMAT);
        PositionRecord p = new PositionRecord(r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64());
        r.expectEnd();
        return p;
    }
}
