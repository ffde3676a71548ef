package io.dexnode.engine.schema;

/**
 * A market's parameters, the value of {@link StateKey.Market}. Prices are quote atoms per base
 * unit and multiples of {@code tickSize}; sizes are base units, multiples of {@code lotSize} and at
 * least {@code minSize}; fees and margins are basis points. {@code maxOpenOrders} is a protocol
 * rule, not node configuration: the most orders one account may have resting in this market
 * (1 to {@link #MAX_OPEN_ORDERS_LIMIT}; {@link #DEFAULT_MAX_OPEN_ORDERS} when create_market leaves
 * it out). It bounds the memory one funded account can make every node spend on its orders.
 *
 * <p>Risk terms (docs/RISK.md): {@code liquidationFeeBps} of a liquidated position's notional at
 * the mark goes to the market's insurance fund; every {@code fundingIntervalBlocks} blocks (0:
 * never) longs pay shorts, or the reverse, the mark's premium over the index per base unit, capped
 * at {@code fundingCapBps} of the index.
 *
 * <p>Formats: 3 has every field; 2 (before the risk terms) ends with {@code maxOpenOrders}; 1
 * (before the cap) has neither. The older formats still decode, their missing fields reading as
 * the defaults; every market is written as format 3.
 */
public record MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                           int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps,
                           int maxOpenOrders, int liquidationFeeBps, int fundingIntervalBlocks, int fundingCapBps) {
    /** The cap a create_market without {@code maxOpenOrders} sets, and that format-1 records have. */
    public static final int DEFAULT_MAX_OPEN_ORDERS = 1_000;
    /** The largest cap a market may set. */
    public static final int MAX_OPEN_ORDERS_LIMIT = 1_000_000;
    /** The liquidation fee of a create_market that names none: 1 % of the position's notional at the mark. */
    public static final int DEFAULT_LIQUIDATION_FEE_BPS = 100;
    /** No funding unless a market asks for it. */
    public static final int DEFAULT_FUNDING_INTERVAL_BLOCKS = 0;
    /** The funding cap of a create_market that names none: 1 % of the index per interval. */
    public static final int DEFAULT_FUNDING_CAP_BPS = 100;
    private static final byte FORMAT_WITHOUT_CAP = 1;
    private static final byte FORMAT_WITHOUT_RISK = 2;
    private static final byte FORMAT = 3;

    /** A market with the default cap on each account's resting orders and the default risk terms. */
    public MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                        int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps) {
        this(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps, initialMarginBps,
                maintenanceMarginBps, DEFAULT_MAX_OPEN_ORDERS);
    }

    /** A market with the default risk terms. */
    public MarketParams(int marketId, String symbol, long tickSize, long lotSize, long minSize,
                        int makerFeeBps, int takerFeeBps, int initialMarginBps, int maintenanceMarginBps,
                        int maxOpenOrders) {
        this(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps, initialMarginBps,
                maintenanceMarginBps, maxOpenOrders, DEFAULT_LIQUIDATION_FEE_BPS, DEFAULT_FUNDING_INTERVAL_BLOCKS,
                DEFAULT_FUNDING_CAP_BPS);
    }

    public MarketParams withMaxOpenOrders(int max) {
        return new MarketParams(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps,
                initialMarginBps, maintenanceMarginBps, max, liquidationFeeBps, fundingIntervalBlocks, fundingCapBps);
    }

    public MarketParams withRisk(int liquidationFee, int fundingInterval, int fundingCap) {
        return new MarketParams(marketId, symbol, tickSize, lotSize, minSize, makerFeeBps, takerFeeBps,
                initialMarginBps, maintenanceMarginBps, maxOpenOrders, liquidationFee, fundingInterval, fundingCap);
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).u32(marketId).str(symbol).i64(tickSize).i64(lotSize).i64(minSize)
                .u32(makerFeeBps).u32(takerFeeBps).u32(initialMarginBps).u32(maintenanceMarginBps).u32(maxOpenOrders)
                .u32(liquidationFeeBps).u32(fundingIntervalBlocks).u32(fundingCapBps).bytes();
    }

    public static MarketParams decode(byte[] value) {
        ValueReader r = new ValueReader(value, "market", FORMAT_WITHOUT_CAP, FORMAT);
        int id = r.u32();
        String symbol = r.str();
        long tick = r.i64();
        long lot = r.i64();
        long min = r.i64();
        int maker = r.u32();
        int taker = r.u32();
        int initial = r.u32();
        int maintenance = r.u32();
        int cap = r.format() == FORMAT_WITHOUT_CAP ? DEFAULT_MAX_OPEN_ORDERS : r.u32();
        boolean risk = r.format() > FORMAT_WITHOUT_RISK;
        MarketParams m = new MarketParams(id, symbol, tick, lot, min, maker, taker, initial, maintenance, cap,
                risk ? r.u32() : DEFAULT_LIQUIDATION_FEE_BPS, risk ? r.u32() : DEFAULT_FUNDING_INTERVAL_BLOCKS,
                risk ? r.u32() : DEFAULT_FUNDING_CAP_BPS);
        r.expectEnd();
        return m;
    }
}
