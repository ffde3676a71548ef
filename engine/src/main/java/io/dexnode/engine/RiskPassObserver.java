package io.dexnode.engine;

import io.dexnode.book.BookView;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.PositionRecord;
import java.util.List;

/**
 * A test seam: sees what a block's end-of-block risk pass starts from — the state after the
 * block's last transaction and the books — just before it runs, so that a model of the pass can
 * be checked against what the engine then commits. Production engines have none.
 */
public interface RiskPassObserver {
    void beforePass(long height, Input input);

    /** The block's state as the pass will find it; valid only during {@link #beforePass}. */
    interface Input {
        List<MarketParams> markets();

        MarketRiskRecord risk(int marketId);

        long lastPrice(int marketId);

        BookView book(int marketId);

        CountersRecord counters();

        /** An account, or null. */
        AccountRecord account(long accountId);

        PositionRecord position(long accountId, int marketId);
    }
}
