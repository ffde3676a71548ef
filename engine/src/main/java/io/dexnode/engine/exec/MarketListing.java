package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.reject;

import io.dexnode.engine.TxResult;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * Lists a new market: valid parameters under an unused id, written with empty statistics and risk
 * state (no index price yet, an empty insurance fund, the first funding height if it has funding). Its
 * book is created when the block accepts the transaction ({@link TxContext#newMarket}).
 */
final class MarketListing {
    private final Ledger ledger;
    private final Markets markets;

    MarketListing(Ledger ledger, Markets markets) {
        this.ledger = ledger;
        this.markets = markets;
    }

    TxResult createMarket(TxContext ctx, Tx.CreateMarket c) {
        MarketParams p = c.params();
        TransactionRules.checkMarketParams(p);
        if (markets.get(p.marketId()) != null || ledger.get(new StateKey.Market(p.marketId())) != null) {
            throw reject(RejectCode.MARKET_EXISTS, "market " + p.marketId() + " exists");
        }
        ledger.put(new StateKey.Market(p.marketId()), p);
        ledger.put(new StateKey.MarketStats(p.marketId()), MarketStatsRecord.EMPTY);
        long firstFunding = p.fundingIntervalBlocks() == 0 ? 0 : Math.addExact(ctx.block.height, p.fundingIntervalBlocks());
        ledger.put(new StateKey.MarketRisk(p.marketId()), MarketRiskRecord.EMPTY.withFunding(firstFunding, 0, 0));
        ctx.newMarket = p;
        return new TxResult(c, null, 0, 0, null, 0, List.of());
    }
}
