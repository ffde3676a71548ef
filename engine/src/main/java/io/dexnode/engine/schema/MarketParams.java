package io.dexnode.engine.schema;

/**
 * A market's parameters, the value of {@link StateKey.Market}. Prices are quote atoms per base
 * unit and multiples of {@code tickSize}; sizes are base units, multiples of {@code lotSize} and at
 * least {@code minSize}; fees and margins are basis points.
 */
public record MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                           int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps) {
    private static final byte FORMAT = 1;

    public byte[] encode() {
        return new ValueWriter(FORMAT).u32(marketId).str(symbol).i64(tickSize).i64(lotSize).i64(minSize)
                .u32(makerFeeBps).u32(takerFeeBps).u32(initialMarginBps).u32(maintenanceMarginBps).bytes();
    }

    public static MarketParams decode(byte[] value) {
        ValueReader r = new ValueReader(value, "market", FORMAT);
        MarketParams m = new MarketParams(r.u32(), r.str(), r.i64(), r.i64(), r.i64(), r.u32(), r.u32(), r.u32(), r.u32());
        r.expectEnd();
        return m;
    }
}
