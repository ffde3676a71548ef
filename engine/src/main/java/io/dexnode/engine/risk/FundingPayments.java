package io.dexnode.engine.risk;

import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import java.math.BigInteger;
import java.util.List;

/**
 * Funding, at the start of the risk pass of every block at or past a market's next funding
 * height: each holder of a position of size s pays s × {@link FundingRate#premium} (a short's
 * negative size makes that a receipt), and the next funding height moves to this one plus the
 * market's interval. The payments sum to zero exactly. If any holder's collateral would not fit
 * in a long afterwards (or a payment itself would not), that interval pays nothing (the event says premium 0): no overflow ever
 * halts the chain over funding.
 */
final class FundingPayments {
    private FundingPayments() {
    }

    static void pay(long height, RiskLedger ledger, Marks marks, LiquidationIndex index, List<RiskEvent> events) {
        for (int i = 0; i < marks.marketIds.length; i++) {
            int market = marks.marketIds[i];
            MarketParams params = ledger.params(market);
            MarketRiskRecord risk = ledger.risk(market);
            int interval = params.fundingIntervalBlocks();
            if (interval == 0 || height < risk.nextFundingHeight()) {
                continue;
            }
            long next = Math.addExact(height, interval);
            if (risk.nextFundingHeight() == 0) {
                ledger.putRisk(market, risk.withFunding(next, risk.lastFundingHeight(), risk.lastFundingPremium()));
                continue;
            }
            long premium = FundingRate.premium(marks.marks[i], risk.indexPrice(), params.fundingCapBps());
            long[] longs = index.holders(market, true);
            long[] shorts = index.holders(market, false);
            if (premium != 0 && (!fits(ledger, market, premium, longs) || !fits(ledger, market, premium, shorts))) {
                premium = 0;
            }
            if (premium != 0) {
                charge(ledger, market, premium, longs);
                charge(ledger, market, premium, shorts);
            }
            ledger.putRisk(market, ledger.risk(market).withFunding(next, height, premium));
            events.add(new RiskEvent.Funding(market, premium, risk.indexPrice(), marks.marks[i]));
        }
    }

    private static boolean fits(RiskLedger ledger, int market, long premium, long[] holders) {
        BigInteger p = BigInteger.valueOf(premium);
        for (long a : holders) {
            BigInteger payment = BigInteger.valueOf(ledger.position(a, market).size()).multiply(p);
            BigInteger after = BigInteger.valueOf(ledger.account(a).collateral()).subtract(payment);
            if (payment.bitLength() >= 64 || after.bitLength() >= 64) {
                return false;
            }
        }
        return true;
    }

    private static void charge(RiskLedger ledger, int market, long premium, long[] holders) {
        for (long a : holders) {
            ledger.addCollateral(a, -Math.multiplyExact(ledger.position(a, market).size(), premium));
        }
    }
}
