package io.dexnode.engine.schema;

/**
 * A market's parameters, the value of {@link StateKey.Market}. Prices are quote atoms per base
 * unit and multiples of {@code tickSize}; sizes are base units, multiples of {@code lotSize} and at
 * least {@code minSize}; fees and margins are basis points. {@code maxOpenOrders} is a protocol
 * rule, not node configuration: the most orders one account may have resting in this market
 * (1 to {@link #MAX_OPEN_ORDERS_LIMIT}; {@link #DEFAULT_MAX_OPEN_ORDERS} when create_market leaves
 * it out). It bounds the memory one funded account can make every node spend on its orders.
 *
 * <p>Formats: 2 ends with {@code maxOpenOrders} as a u32; 1, the record from before the cap
 * existed, has no such field and reads as the default. A market with the default cap is still
 * written as format 1, so the markets of an existing chain keep their record and a replay of its
 * blocks gives the roots it gave before; only a market with another cap is written as format 2.
 */
public record MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                           int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps,
                           int maxOpenOrders) {
    /** The cap a create_market without {@code maxOpenOrders} sets, and that format-1 records have. */
    public static final int DEFAULT_MAX_OPEN_ORDERS = 1_000;
    /** The largest cap a market may set. */
    public static final int MAX_OPEN_ORDERS_LIMIT = 1_000_000;
    private static final byte FORMAT_WITHOUT_CAP = 1;
    private static final byte FORMAT = 2;

    /** A market with the default cap on each account's resting orders. */
    public MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                        int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps) {
        this(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps, initialMarginBps,
                maintenanceMarginBps, DEFAULT_MAX_OPEN_ORDERS);
    }

    public MarketParams withMaxOpenOrders(int max) {
        return new MarketParams(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps,
                initialMarginBps, maintenanceMarginBps, max);
    }

    public byte[] encode() {
        // The default cap is written as format 1, the record from before the cap: a create_market
        // without the field stores what it stored then, so old blocks replay to their roots.
        boolean withCap = maxOpenOrders != DEFAULT_MAX_OPEN_ORDERS;
        ValueWriter w = new ValueWriter(withCap ? FORMAT : FORMAT_WITHOUT_CAP).u32(marketId).str(symbol).i64(tickSize)
                .i64(lotSize).i64(minSize).u32(makerFeeBps).u32(takerFeeBps).u32(initialMarginBps).u32(maintenanceMarginBps);
        return withCap ? w.u32(maxOpenOrders).bytes() : w.bytes();
    }

    public static MarketParams decode(byte[] value) {
        ValueReader r = new ValueReader(value, "market", FORMAT_WITHOUT_CAP, FORMAT);
        MarketParams m = new MarketParams(r.u32(), r.str(), r.i64(), r.i64(), r.i64(), r.u32(), r.u32(), r.u32(), r.u32(),
                r.format() == FORMAT_WITHOUT_CAP ? DEFAULT_MAX_OPEN_ORDERS : r.u32());
        r.expectEnd();
        return m;
    }
}
