package io.dexnode.engine.schema;

/** A market's trading statistics under {@link StateKey.MarketStats}; {@code lastPrice} is 0 before the first trade; it stands in for the index price until the oracle sets one. */
public record MarketStatsRecord(long lastPrice, long volume, long tradeCount) {
    private static final byte FORMAT = 1;
    public static final MarketStatsRecord EMPTY = new MarketStatsRecord(0, 0, 0);

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(lastPrice).i64(volume).i64(tradeCount).bytes();
    }

    public static MarketStatsRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "market stats", FORMAT);
        MarketStatsRecord s = new MarketStatsRecord(r.i64(), r.i64(), r.i64());
        r.expectEnd();
        return s;
    }
}
