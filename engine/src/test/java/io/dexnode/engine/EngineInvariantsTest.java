package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random block streams, checked against full scans of state after every block. */
class EngineInvariantsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void indexStatusBookConservationAndNettingHoldAfterEveryBlock(long seed) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        InvariantChecker checker = new InvariantChecker();
        RandomBlocks blocks = new RandomBlocks(seed, 6, 12);
        int accepted = 0;
        int fills = 0;
        for (int i = 0; i < 250; i++) {
            Block b = blocks.next();
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            checker.observe(r);
            checker.check(engine, store);
            accepted += (int) r.results().stream().filter(TxResult::accepted).count();
            fills += r.fills().size();
        }
        assertThat(accepted).as("the stream is not all rejections").isGreaterThan(500);
        assertThat(fills).as("the stream trades").isGreaterThan(100);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void noAccountIsBelowMarginRightAfterAPlacementItAccepted(long seed) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        StateQueries q = new StateQueries(store);
        RandomBlocks blocks = new RandomBlocks(seed, 4, 1);
        engine.executeBlock(1, 0, blocks.next().txs());
        int checked = 0;
        for (int i = 0; i < 1500; i++) {
            Block b = blocks.next();
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            TxResult t = r.results().get(0);
            if (t.accepted() && (t.tx() instanceof Tx.Place || t.tx() instanceof Tx.Amend)) {
                AccountRecord a = q.account(t.accountId());
                long equity = a.collateral();
                long required = 0;
                for (int m : a.markets()) {
                    MarketParams params = q.market(m);
                    PositionRecord p = q.position(a.accountId(), m);
                    long mark = q.marketStats(m).lastPrice();
                    equity += p.size() * mark - p.entryNotional();
                    long exposure = Math.abs(p.size()) * mark + p.openBuyNotional() + p.openSellNotional();
                    required += Math.ceilDiv(exposure * params.initialMarginBps(), 10_000L);
                }
                assertThat(equity).as("equity of %s after %s", a.name(), t.tx()).isGreaterThanOrEqualTo(required);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
    }
}
