package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookView;
import io.dexnode.book.Side;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.InMemoryStateStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's end-of-block risk pass against {@link RiskModel}, an independent BigInteger model
 * of margin, liquidation, insurance, auto-deleveraging and funding, over long seeded streams of
 * leveraged trading with violent index moves ({@link RandomBlocks} with index moves). Before each
 * pass the model takes the engine's state and books; after the block, the engine's committed
 * state (every account's collateral and positions, every market's risk state: mark, index,
 * insurance fund, funding), its books order for order, and its risk events in order must equal
 * the model's. The engine examines only the accounts its liquidation index names; the model
 * scans every account: their liquidations being equal shows the index misses no one. The
 * invariants ({@link InvariantChecker}) are checked after every block.
 */
class RiskModelTest {
    private static final int BLOCKS = 700;

    /** Seeds whose streams reach every step of a liquidation: the book, the insurance fund, auto-deleveraging, the fee. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {61, 63, 64, 65, 66, 73, 82, 89})
    void enginesRiskPassEqualsTheModelAfterEveryBlockOfAViolentStream(long seed) {
        Totals t = run(seed, new RandomBlocks(seed, 8, 12, true));
        assertThat(t.liquidations).as("liquidations").isGreaterThan(5);
        assertThat(t.bookCloses).as("liquidation orders that took from the book").isPositive();
        assertThat(t.insuranceCovers).as("insurance fund payments").isPositive();
        assertThat(t.deleverages).as("auto-deleveraging trades").isPositive();
        assertThat(t.fees).as("liquidation fees").isPositive();
        assertThat(t.fundings).as("funding payments that moved money").isGreaterThan(20);
        assertThat(t.liquidations).as("liquidations beyond those the pass itself caused").isGreaterThan(t.liquidatedAboveAtStart);
    }

    static final class Totals {
        long liquidations;
        long bookCloses;
        long insuranceCovers;
        long deleverages;
        long fees;
        long fundings;
        /** Accounts at or above maintenance after the block's transactions that the pass's own trades or mark moves put below. */
        long liquidatedAboveAtStart;
    }

    /**
     * Who the block liquidated: every account below maintenance margin once the block's
     * transactions and funding were done (at the marks they left) — the model finds those by
     * scanning every account — and no account at or above it; except where the pass itself
     * changed an account before its turn (a fill of its resting order by an earlier liquidation,
     * an earlier liquidation's auto-deleveraging against it, or for one at or above, an earlier
     * round's liquidations moving a mark): each account is judged when its turn comes.
     * Each liquidation states an equity below the maintenance margin, and no account is liquidated
     * twice in a block. Returns how many were liquidated though at or above at the start.
     */
    private static long checkWhoIsLiquidated(BlockResult r, RiskModel model, String at) {
        Set<Long> liquidated = new TreeSet<>();
        Set<Long> touched = new TreeSet<>();
        long aboveAtStart = 0;
        for (RiskEvent e : r.riskEvents()) {
            switch (e) {
                case RiskEvent.Liquidation l -> {
                    assertThat(l.equity()).as("%s: equity of liquidated account %d", at, l.accountId())
                            .isLessThan(l.maintenanceMargin());
                    assertThat(liquidated.add(l.accountId())).as("%s: account %d liquidated once", at, l.accountId()).isTrue();
                    if (!model.belowAtStart.contains(l.accountId())) {
                        aboveAtStart++;
                        assertThat(touched.contains(l.accountId()) || model.liquidatedAtMovedMarks.contains(l.accountId()))
                                .as("%s: account %d, at or above maintenance after the transactions, was liquidated though"
                                        + " the pass had neither traded with it nor moved a mark", at, l.accountId()).isTrue();
                    }
                }
                case RiskEvent.BookClose c -> r.fills().stream().filter(f -> f.takerOrderId() == c.orderId())
                        .forEach(f -> touched.add(f.makerAccount()));
                case RiskEvent.Deleverage d -> touched.add(d.counterparty());
                default -> {
                }
            }
        }
        for (long id : model.belowAtStart) {
            assertThat(liquidated.contains(id) || touched.contains(id))
                    .as("%s: account %d, below maintenance after the transactions, was liquidated (or an earlier"
                            + " liquidation's trade with it lifted it above before its turn)", at, id).isTrue();
        }
        return aboveAtStart;
    }

    static Totals run(long seed, RandomBlocks blocks) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        StateQueries q = new StateQueries(store);
        InvariantChecker checker = new InvariantChecker();
        RiskModel[] model = new RiskModel[1];
        engine.observeRiskPasses((height, input) -> {
            model[0] = RiskModel.of(input);
            model[0].run(height);
        });
        Totals t = new Totals();
        for (int i = 0; i < BLOCKS; i++) {
            Block b = blocks.next();
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            String at = "seed " + seed + ", block " + b.height();
            assertThat(r.riskEvents()).as("%s: the pass's events", at).containsExactlyElementsOf(model[0].events);
            compare(model[0], engine, q, at);
            t.liquidatedAboveAtStart += checkWhoIsLiquidated(r, model[0], at);
            checker.observe(r);
            checker.check(engine, store);
            for (RiskEvent e : r.riskEvents()) {
                switch (e) {
                    case RiskEvent.Liquidation l -> t.liquidations++;
                    case RiskEvent.BookClose c -> t.bookCloses += c.filled() > 0 ? 1 : 0;
                    case RiskEvent.InsuranceCover c -> t.insuranceCovers++;
                    case RiskEvent.Deleverage d -> t.deleverages++;
                    case RiskEvent.LiquidationFee f -> t.fees++;
                    case RiskEvent.Funding f -> t.fundings += f.premium() != 0 ? 1 : 0;
                    case RiskEvent.DeficitCovered d -> {
                    }
                }
            }
        }
        return t;
    }

    private static void compare(RiskModel model, Engine engine, StateQueries q, String at) {
        for (Map.Entry<Long, RiskModel.Account> e : model.accounts.entrySet()) {
            AccountRecord a = q.account(e.getKey());
            assertThat(a).as("%s: account %d", at, e.getKey()).isNotNull();
            assertThat(BigInteger.valueOf(a.collateral())).as("%s: collateral of account %d", at, e.getKey())
                    .isEqualTo(e.getValue().collateral);
            for (Map.Entry<Integer, RiskModel.Position> p : e.getValue().positions.entrySet()) {
                PositionRecord pos = q.position(e.getKey(), p.getKey());
                assertThat(new BigInteger[] {BigInteger.valueOf(pos.size()), BigInteger.valueOf(pos.entryNotional()),
                        BigInteger.valueOf(pos.realizedPnl())})
                        .as("%s: {size, entry, realized} of account %d in market %d", at, e.getKey(), p.getKey())
                        .containsExactly(p.getValue().size, p.getValue().entry, p.getValue().realized);
            }
        }
        for (MarketParams m : engine.markets()) {
            RiskModel.Market expected = model.markets.get(m.marketId());
            assertThat(q.marketRisk(m.marketId())).as("%s: risk state of market %d", at, m.marketId())
                    .isEqualTo(expected.risk);
            BookView book = engine.book(m.marketId());
            List<String> bids = new ArrayList<>();
            List<String> asks = new ArrayList<>();
            book.forEachOrder((id, owner, side, price, remaining, seq) ->
                    (side == Side.BUY ? bids : asks).add(order(id, owner, price, remaining)));
            assertThat(bids).as("%s: bids of market %d", at, m.marketId()).containsExactlyElementsOf(orders(expected.bids));
            assertThat(asks).as("%s: asks of market %d", at, m.marketId()).containsExactlyElementsOf(orders(expected.asks));
        }
    }

    private static List<String> orders(List<RiskModel.Order> side) {
        List<String> out = new ArrayList<>();
        for (RiskModel.Order o : side) {
            out.add(order(o.id, o.owner, o.price, o.remaining));
        }
        return out;
    }

    private static String order(long id, long owner, long price, long remaining) {
        return "order " + id + " of account " + owner + ": " + remaining + " @ " + price;
    }
}
