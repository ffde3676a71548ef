package io.dexnode.engine.schema;

/**
 * A market's risk state under {@link StateKey.MarketRisk} (docs/RISK.md): the oracle's index
 * price and the height it was set at (0 and 0 before the first), the mark the block's risk pass
 * left every account judged at, the insurance fund's balance in quote atoms, and funding: the
 * height of the next payment (0 when the market has none), the height and premium per base unit
 * of the last one (signed: positive when longs paid shorts).
 */
public record MarketRiskRecord(long indexPrice, long indexHeight, long markPrice, long insuranceFund,
                               long nextFundingHeight, long lastFundingHeight, long lastFundingPremium) {
    private static final byte FORMAT = 1;
    public static final MarketRiskRecord EMPTY = new MarketRiskRecord(0, 0, 0, 0, 0, 0, 0);

    public MarketRiskRecord withIndex(long price, long height) {
        return new MarketRiskRecord(price, height, markPrice, insuranceFund, nextFundingHeight, lastFundingHeight,
                lastFundingPremium);
    }

    public MarketRiskRecord withMark(long mark) {
        return new MarketRiskRecord(indexPrice, indexHeight, mark, insuranceFund, nextFundingHeight, lastFundingHeight,
                lastFundingPremium);
    }

    public MarketRiskRecord withInsuranceFund(long fund) {
        return new MarketRiskRecord(indexPrice, indexHeight, markPrice, fund, nextFundingHeight, lastFundingHeight,
                lastFundingPremium);
    }

    public MarketRiskRecord withFunding(long next, long lastHeight, long lastPremium) {
        return new MarketRiskRecord(indexPrice, indexHeight, markPrice, insuranceFund, next, lastHeight, lastPremium);
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(indexPrice).i64(indexHeight).i64(markPrice).i64(insuranceFund)
                .i64(nextFundingHeight).i64(lastFundingHeight).i64(lastFundingPremium).bytes();
    }

    public static MarketRiskRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "market risk", FORMAT);
        MarketRiskRecord m = new MarketRiskRecord(r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64());
        r.expectEnd();
        return m;
    }
}
