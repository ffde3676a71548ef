package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random block streams, checked against full scans of state after every block. */
class EngineInvariantsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void indexStatusBookConservationAndNettingHoldAfterEveryBlock(long seed) {
        checkInvariantsAlong(new RandomBlocks(seed, 6, 12));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23})
    void invariantsHoldWithReduceTransactionsOfRestingOrdersInTheStream(long seed) {
        long reduces = checkInvariantsAlong(new RandomBlocks(seed, 6, 12), new SplittableRandom(seed));
        assertThat(reduces).as("accepted reduce transactions").isGreaterThan(50);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33})
    void invariantsHoldWhileAccountsRunIntoTheCapOnRestingOrders(long seed) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        InvariantChecker checker = new InvariantChecker();
        RandomBlocks blocks = new RandomBlocks(seed, 6, 12);
        long capped = 0;
        for (int i = 0; i < 250; i++) {
            Block b = blocks.next();
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            checker.observe(r);
            checker.check(engine, store);
            capped += r.results().stream()
                    .filter(t -> !t.accepted() && t.rejection().code() == RejectCode.TOO_MANY_ORDERS).count();
        }
        assertThat(capped).as("places refused at ETH-USD's cap of %d", RandomBlocks.ETH_MAX_OPEN_ORDERS).isGreaterThan(20);
    }

    private static long checkInvariantsAlong(RandomBlocks blocks) {
        return checkInvariantsAlong(blocks, null);
    }

    /**
     * Runs 250 blocks, checking after each; with {@code reducer}, each block also reduces up to two
     * resting orders (by their owners, to a random size that may be invalid). Returns how many
     * reduce transactions were accepted.
     */
    private static long checkInvariantsAlong(RandomBlocks blocks, SplittableRandom reducer) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        StateQueries q = new StateQueries(store);
        InvariantChecker checker = new InvariantChecker();
        int accepted = 0;
        int fills = 0;
        long reduces = 0;
        for (int i = 0; i < 250; i++) {
            Block b = blocks.next();
            List<Tx> txs = new ArrayList<>(b.txs());
            if (reducer != null) {
                txs.addAll(reducer.nextInt(txs.size() + 1), reducesOfRestingOrders(engine, q, reducer));
            }
            BlockResult r = engine.executeBlock(b.height(), b.time(), txs);
            checker.observe(r);
            checker.check(engine, store);
            accepted += (int) r.results().stream().filter(TxResult::accepted).count();
            fills += r.fills().size();
            reduces += r.results().stream().filter(t -> t.accepted() && t.tx() instanceof Tx.Reduce).count();
        }
        assertThat(accepted).as("the stream is not all rejections").isGreaterThan(500);
        assertThat(fills).as("the stream trades").isGreaterThan(100);
        return reduces;
    }

    private static List<Tx> reducesOfRestingOrders(Engine engine, StateQueries q, SplittableRandom rnd) {
        List<long[]> resting = new ArrayList<>(); // market, order id, owner, remaining
        for (MarketParams m : engine.markets()) {
            engine.book(m.marketId()).forEachOrder((id, owner, side, price, remaining, seq) ->
                    resting.add(new long[] {m.marketId(), id, owner, remaining}));
        }
        List<Tx> out = new ArrayList<>();
        for (int n = 0; n < 2 && !resting.isEmpty(); n++) {
            long[] o = resting.get(rnd.nextInt(resting.size()));
            long lot = q.market((int) o[0]).lotSize();
            long size = rnd.nextInt(4) == 0 ? o[3] : lot * (1 + rnd.nextLong(Math.max(1, o[3] / lot)));
            out.add(new Tx.Reduce(q.account(o[2]).name(), 0, o[1], null, size));
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 5108})
    void noAccountIsBelowMarginRightAfterAPlacementItAccepted(long seed) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        StateQueries q = new StateQueries(store);
        RandomBlocks blocks = new RandomBlocks(seed, 4, 1);
        engine.executeBlock(1, 0, blocks.next().txs());
        int checked = 0;
        int liquidated = 0;
        for (int i = 0; i < 1500; i++) {
            Block b = blocks.next();
            // An amend that keeps the price and does not raise the size only lowers the account's
            // exposure and is not margin-checked: the account may already be below margin because
            // other accounts' trades moved the mark. Every other accepted place or amend is checked.
            boolean marginChecked = !(b.txs().get(0) instanceof Tx.Amend a) || raisesExposure(q.order(a.orderId()), a);
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            TxResult t = r.results().get(0);
            // A liquidation at the block's end may trade against the account's orders or move the
            // mark; the rule is about the mark the transaction leaves, so such blocks are skipped.
            boolean liquidations = r.riskEvents().stream().anyMatch(e -> e instanceof RiskEvent.Liquidation);
            liquidated += liquidations ? 1 : 0;
            if (t.accepted() && marginChecked && !liquidations
                    && (t.tx() instanceof Tx.Place || t.tx() instanceof Tx.Amend || t.tx() instanceof Tx.Withdraw)) {
                AccountRecord a = q.account(t.accountId());
                long equity = a.collateral();
                long required = 0;
                for (int m : a.markets()) {
                    MarketParams params = q.market(m);
                    PositionRecord p = q.position(a.accountId(), m);
                    long mark = q.marketRisk(m).markPrice();
                    equity += p.size() * mark - p.entryNotional();
                    long exposure = Math.abs(p.size()) * mark + p.openBuyNotional() + p.openSellNotional();
                    required += Math.ceilDiv(exposure * params.initialMarginBps(), 10_000L);
                }
                assertThat(equity).as("equity of %s after %s", a.name(), t.tx()).isGreaterThanOrEqualTo(required);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(liquidated).as("blocks with liquidations, skipped").isLessThan(checked / 4);
    }

    /** Whether the engine margin-checks {@code amend} of {@code order}: a new price, or a size above its remaining. */
    private static boolean raisesExposure(OrderRecord order, Tx.Amend amend) {
        if (order == null) {
            return true; // refused: nothing to check either way
        }
        long price = amend.price() == 0 ? order.price() : amend.price();
        long size = amend.size() == 0 ? order.remaining() : amend.size();
        return price != order.price() || size > order.remaining();
    }
}
