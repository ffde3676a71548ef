package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookView;
import io.dexnode.book.Side;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's balances and positions against {@link NaiveLedger} (its Javadoc states the rules
 * and the rounding assumed). The ledger sees only what a client could: accepted deposits and
 * withdrawals and the fills reported per transaction. After every block, every account's
 * collateral and every position's size, entry notional and realized PnL in committed state
 * ({@link StateQueries}) must equal the ledger's, and the block's balance events must agree.
 *
 * <p>The block's end-of-block risk pass is fed from what it reports ({@link NaiveLedger#riskPass}):
 * random streams of leveraged accounts run into liquidations of their own.
 *
 * <p>Conservation is checked on committed state in the two forms that hold: Σ collateral (fee
 * account included) + Σ insurance funds = deposits − withdrawals + Σ realized PnL (funding sums
 * to zero), and Σ collateral + Σ insurance funds − Σ entry notional = deposits − withdrawals. Σ
 * collateral alone is not conserved: realized PnL is not zero-sum, as a trader's counterparty
 * usually still holds the other side open, its gain or loss unrealized.
 */
class NaiveLedgerTest {
    private static final int BLOCKS = 400;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33, 34, 35, 36})
    void collateralAndPositionsMatchTheNaiveLedgerAfterEveryBlock(long seed) {
        LedgerComparison run = runRandomBlocks(seed, false);
        assertThat(run.fills).as("fills").isGreaterThan(250);
        assertThat(run.ledger.reductions).as("fills against an open position").isGreaterThan(100);
        assertThat(run.ledger.flips).as("fills through zero").isGreaterThan(10);
        assertThat(run.ledger.inexactShares).as("reductions whose basis share was rounded").isGreaterThan(50);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    void ledgerStillMatchesWhenRestingOrdersAreAmendedThroughTheBookAndReduced(long seed) {
        LedgerComparison run = runRandomBlocks(seed, true);
        assertThat(run.amendsThatTraded).as("accepted amends that took liquidity").isGreaterThan(50);
        assertThat(run.reduces).as("accepted reduces").isGreaterThan(50);
        assertThat(run.ledger.inexactShares).as("reductions whose basis share was rounded").isGreaterThan(50);
    }

    @Test
    void aReductionTakesTheBasisShareRoundedTowardZeroForLongsAndShortsAndAFlipOpensAtTheFillPrice() {
        EngineFixture f = new EngineFixture();
        LedgerComparison cmp = new LedgerComparison(f.store, "fixture");
        cmp.apply(f.block(new Tx.CreateMarket(null, 0, EngineFixture.btc())));
        for (String who : List.of("alice", "bob", "carol", "dave")) {
            cmp.apply(f.block(new Tx.Deposit(who, 0, 1_000_000)));
        }
        cmp.apply(f.block(gtc("bob", SELL, 100, 1), gtc("alice", BUY, 100, 1)));
        cmp.apply(f.block(gtc("bob", SELL, 101, 2), gtc("alice", BUY, 101, 2)));
        StateQueries q = new StateQueries(f.store);
        long alice = q.accountByName("alice").accountId();
        long bob = q.accountByName("bob").accountId();
        assertThat(positionOf(q, alice)).containsExactly(3, 302, 0);
        assertThat(positionOf(q, bob)).containsExactly(-3, -302, 0);

        cmp.apply(f.block(gtc("carol", BUY, 110, 1), gtc("alice", SELL, 110, 1)));
        assertThat(positionOf(q, alice)).as("302/3 rounds to 100; 110 − 100 realized").containsExactly(2, 202, 10);
        cmp.apply(f.block(gtc("dave", SELL, 90, 1), gtc("bob", BUY, 90, 1)));
        assertThat(positionOf(q, bob)).as("−302/3 rounds to −100 (toward zero, not −101); 100 − 90 realized")
                .containsExactly(-2, -202, 10);

        cmp.apply(f.block(gtc("carol", BUY, 110, 2), gtc("alice", SELL, 110, 2)));
        assertThat(positionOf(q, alice)).as("the full close realizes the remainder: 28 = 330 − 302 in all")
                .containsExactly(0, 0, 28);
        cmp.apply(f.block(gtc("dave", SELL, 95, 3), gtc("bob", BUY, 95, 3)));
        assertThat(positionOf(q, bob)).as("closes −2 realizing 202 − 190, opens 1 at 95")
                .containsExactly(1, 95, 22);
        assertThat(q.account(alice).collateral()).as("1 000 000 + 28 realized − four taker fees of 1")
                .isEqualTo(1_000_000 + 28 - 4);
    }

    private static long[] positionOf(StateQueries q, long account) {
        PositionRecord p = q.position(account, BTC);
        return new long[] {p.size(), p.entryNotional(), p.realizedPnl()};
    }

    /**
     * {@link #BLOCKS} blocks of {@link RandomBlocks}, compared after each; with {@code amending},
     * each block also amends or reduces up to three resting orders by their owners.
     */
    private static LedgerComparison runRandomBlocks(long seed, boolean amending) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        LedgerComparison cmp = new LedgerComparison(store, "seed " + seed);
        RandomBlocks blocks = new RandomBlocks(seed, 6, 12);
        SplittableRandom rnd = new SplittableRandom(seed * 31 + 7);
        for (int i = 0; i < BLOCKS; i++) {
            Block b = blocks.next();
            List<Tx> txs = new ArrayList<>(b.txs());
            if (amending && i > 0) {
                txs.addAll(rnd.nextInt(txs.size() + 1), amendsAndReducesOfRestingOrders(engine, cmp.names, rnd));
            }
            cmp.apply(engine.executeBlock(b.height(), b.time(), txs));
        }
        return cmp;
    }

    /**
     * Up to three amends or reduces of resting orders: reduces to a random size (sometimes the
     * whole remaining, which is refused), amends to a price at or through the best opposite price
     * (so the order trades as a taker), and amends to a nearby price and/or a new size.
     */
    private static List<Tx> amendsAndReducesOfRestingOrders(Engine engine, Map<Long, String> names, SplittableRandom rnd) {
        record Resting(MarketParams market, long id, long owner, Side side, long price, long remaining) {
        }
        List<Resting> resting = new ArrayList<>();
        for (MarketParams m : engine.markets()) {
            engine.book(m.marketId()).forEachOrder((id, owner, side, price, remaining, seq) ->
                    resting.add(new Resting(m, id, owner, side, price, remaining)));
        }
        List<Tx> out = new ArrayList<>();
        for (int n = 0; n < 3 && !resting.isEmpty(); n++) {
            Resting o = resting.get(rnd.nextInt(resting.size()));
            String who = names.get(o.owner());
            long tick = o.market().tickSize();
            long lot = o.market().lotSize();
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    long size = rnd.nextInt(4) == 0 ? o.remaining() : lot * (1 + rnd.nextLong(Math.max(1, o.remaining() / lot)));
                    out.add(new Tx.Reduce(who, 0, o.id(), null, size));
                }
                case 1, 2 -> {
                    BookView book = engine.book(o.market().marketId());
                    long opposite = o.side() == BUY ? book.bestAsk() : book.bestBid();
                    boolean empty = opposite == Long.MAX_VALUE || opposite == Long.MIN_VALUE;
                    long through = (o.side() == BUY ? 1 : -1) * tick * rnd.nextInt(3);
                    long price = empty ? o.price() : Math.max(tick, opposite + through);
                    long size = rnd.nextBoolean() ? 0 : lot * (1 + rnd.nextInt(12));
                    out.add(new Tx.Amend(who, 0, o.id(), null, price, size));
                }
                default -> {
                    long price = Math.max(tick, o.price() + tick * (rnd.nextInt(7) - 3));
                    long size = rnd.nextBoolean() ? 0 : lot * (1 + rnd.nextInt(12));
                    out.add(new Tx.Amend(who, 0, o.id(), null, price, size));
                }
            }
        }
        return out;
    }

    /** Feeds block results to a {@link NaiveLedger} and compares it with committed state after each. */
    private static final class LedgerComparison {
        final NaiveLedger ledger = new NaiveLedger(Engine.FEE_ACCOUNT_ID);
        final Map<Long, String> names = new HashMap<>();
        private final StateQueries q;
        private final String context;
        long fills;
        long liquidations;
        long amendsThatTraded;
        long reduces;

        LedgerComparison(StateStore store, String context) {
            this.q = new StateQueries(store);
            this.context = context;
        }

        void apply(BlockResult r) {
            String at = context + ", block " + r.header().height();
            Map<Long, Long> before = new HashMap<>();
            ledger.accounts().forEach(id -> before.put(id, ledger.collateral(id)));
            feed(r, at);
            compare(r, before, at);
        }

        private void feed(BlockResult r, String at) {
            List<Fill> reported = new ArrayList<>();
            for (TxResult t : r.results()) {
                if (!t.accepted()) {
                    assertThat(t.fills()).as("%s: fills of rejected %s", at, t.tx()).isEmpty();
                    continue;
                }
                switch (t.tx()) {
                    case Tx.CreateMarket c -> ledger.createMarket(c.params());
                    case Tx.Deposit d -> {
                        names.put(t.accountId(), d.account());
                        ledger.deposit(t.accountId(), d.amount());
                    }
                    case Tx.Withdraw w -> ledger.withdraw(t.accountId(), w.amount());
                    case Tx.Reduce x -> reduces++;
                    case Tx.Amend a -> amendsThatTraded += t.fills().isEmpty() ? 0 : 1;
                    default -> {
                    }
                }
                for (Fill f : t.fills()) {
                    assertThat(f.takerAccount()).as("%s: taker of %s from %s", at, f, t.tx()).isEqualTo(t.accountId());
                    assertThat(new long[] {f.makerFee(), f.takerFee()})
                            .as("%s: {maker, taker} fee of %s is ⌈notional × bps / 10000⌉", at, f)
                            .containsExactly(ledger.fees(f));
                    ledger.fill(f);
                    reported.add(f);
                }
            }
            assertThat(r.fills().subList(0, Math.min(reported.size(), r.fills().size())))
                    .as("%s: the block's fills start with its accepted transactions' fills", at)
                    .containsExactlyElementsOf(reported);
            fills += reported.size();
            ledger.riskPass(r.riskEvents(), r.fills().subList(reported.size(), r.fills().size()));
            liquidations += r.riskEvents().stream().filter(e -> e instanceof RiskEvent.Liquidation).count();
        }

        private void compare(BlockResult r, Map<Long, Long> before, String at) {
            long collateral = 0;
            long entry = 0;
            long realized = 0;
            long lastUser = 0;
            for (long id : ledger.accounts()) {
                AccountRecord a = q.account(id);
                String who = "account " + id + " (" + names.getOrDefault(id, "fees") + ")";
                assertThat(a).as("%s: %s in state", at, who).isNotNull();
                assertThat(a.collateral()).as("%s: collateral of %s", at, who).isEqualTo(ledger.collateral(id));
                collateral += a.collateral();
                for (int m : ledger.markets()) {
                    PositionRecord p = q.position(id, m);
                    assertThat(new long[] {p.size(), p.entryNotional(), p.realizedPnl()})
                            .as("%s: {size, entry notional, realized PnL} of %s in market %d", at, who, m)
                            .containsExactly(ledger.position(id, m));
                    entry += p.entryNotional();
                    realized += p.realizedPnl();
                }
                lastUser = Math.max(lastUser, id);
            }
            AccountRecord fees = q.account(Engine.FEE_ACCOUNT_ID);
            if (fees != null && ledger.collateral(Engine.FEE_ACCOUNT_ID) == 0) {
                assertThat(fees.collateral()).as("%s: collateral of the fee account", at).isZero();
            }
            assertThat(q.account(lastUser + 1)).as("%s: an account the ledger does not know", at).isNull();

            long funds = 0;
            for (int m : ledger.markets()) {
                assertThat(q.marketRisk(m).insuranceFund()).as("%s: insurance fund of market %d", at, m).isEqualTo(ledger.fund(m));
                funds += ledger.fund(m);
            }
            long net = ledger.depositsMinusWithdrawals();
            assertThat(collateral + funds).as("%s: Σ collateral + Σ funds = deposits − withdrawals + Σ realized PnL", at)
                    .isEqualTo(net + realized);
            assertThat(collateral + funds - entry)
                    .as("%s: Σ collateral + Σ funds − Σ entry notional = deposits − withdrawals", at).isEqualTo(net);

            TreeSet<Long> reported = new TreeSet<>();
            for (BalanceChange b : r.balances()) {
                reported.add(b.accountId());
                assertThat(b.collateral()).as("%s: balance event of account %d", at, b.accountId())
                        .isEqualTo(ledger.collateral(b.accountId()));
            }
            for (long id : ledger.accounts()) {
                if (ledger.collateral(id) != before.getOrDefault(id, 0L)) {
                    assertThat(reported).as("%s: balance events name account %d, whose collateral changed", at, id)
                            .contains(id);
                }
            }
        }
    }
}
