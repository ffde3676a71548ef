package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookReason;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The risk rules of docs/RISK.md on small, hand-computed cases: a leveraged long liquidated when
 * the index falls, exactly when it is below maintenance margin; the insurance fund absorbing a
 * gap; an empty fund deleveraging the most profitable short; a wash trade at an extreme price
 * not moving the mark past the book; funding; the oracle's transaction. The market charges no
 * trading fees, asks 10 % initial and 5 % maintenance margin, and a liquidation fee of 1 %.
 */
class RiskScenarioTest {
    private static final String ORACLE = "oracle";

    private final EngineFixture f = new EngineFixture();
    private final StateQueries q = new StateQueries(f.store);

    private static MarketParams market() {
        return new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 1000, 500);
    }

    private void open(MarketParams params, long index, Object... depositsByName) {
        f.one(new Tx.CreateMarket(null, 0, params));
        for (int i = 0; i < depositsByName.length; i += 2) {
            assertThat(f.one(new Tx.Deposit((String) depositsByName[i], 0, ((Number) depositsByName[i + 1]).longValue()))
                    .accepted()).isTrue();
        }
        accepted(index(index));
    }

    private static Tx index(long price) {
        return new Tx.SetIndexPrice(ORACLE, 0, BTC, price);
    }

    private BlockResult accepted(Tx... txs) {
        BlockResult r = f.block(txs);
        for (TxResult t : r.results()) {
            assertThat(t.accepted()).as("%s: %s", t.tx(), t.rejection()).isTrue();
        }
        return r;
    }

    private long id(String name) {
        return q.accountByName(name).accountId();
    }

    private long collateral(String name) {
        return q.accountByName(name).collateral();
    }

    private long size(String name) {
        return q.position(id(name), BTC).size();
    }

    private MarketRiskRecord risk() {
        return q.marketRisk(BTC);
    }

    /**
     * Alice, long 100 at 1000 with 11 200 of collateral and an ask of 10 at 1100 resting, carol
     * bidding 100 at 945: at a mark x alice's equity is 11 200 + 100 (x − 1000) and her
     * maintenance margin ⌈5 x⌉, so she is below it at 934 and not at 935.
     */
    private void leveragedLong() {
        open(market(), 1000, "alice", 11_200, "bob", 1_000_000, "carol", 1_000_000);
        accepted(gtc("bob", SELL, 1000, 100), gtc("alice", BUY, 1000, 100), gtc("alice", SELL, 1100, 10),
                gtc("carol", BUY, 945, 100));
        assertThat(size("alice")).isEqualTo(100);
    }

    @Test
    void aLeveragedLongIsLiquidatedWhenTheIndexDropsExactlyWhenBelowMaintenance() {
        leveragedLong();
        StateQueries.AccountMargin m = q.margin(q.accountByName("alice"));
        assertThat(m.maintenanceMargin()).isEqualTo(BigInteger.valueOf(5_000));
        assertThat(m.liquidationPrices()).containsExactly(934L);

        BlockResult at935 = accepted(index(935));
        assertThat(risk().markPrice()).as("the index, below the spread of 945 / 1 100, clamped to the best bid")
                .isEqualTo(945);
        assertThat(at935.riskEvents()).isEmpty();
        // With carol's bid at 945 the mark cannot fall below it: she moves it away first.
        accepted(new Tx.CancelAll("carol", 0, BTC), gtc("carol", BUY, 900, 100));
        assertThat(risk().markPrice()).as("the index, now inside the spread").isEqualTo(935);
        assertThat(f.one(index(935)).accepted()).isTrue();
        assertThat(q.margin(q.accountByName("alice")).marginRatioBps()).as("⌈4 675 × 10 000 / 4 700⌉").isEqualTo(9947L);
        assertThat(size("alice")).as("at 935 her equity 4 700 covers her maintenance margin 4 675").isEqualTo(100);

        BlockResult at934 = accepted(index(934));
        long alice = id("alice");
        assertThat(at934.riskEvents()).containsExactly(
                new RiskEvent.Liquidation(alice, BigInteger.valueOf(4_600), BigInteger.valueOf(4_670)),
                new RiskEvent.BookClose(alice, BTC, bookClose(at934).orderId(), SELL, 888, 100, 100, false),
                new RiskEvent.LiquidationFee(alice, BTC, 934));
        assertThat(at934.orderUpdates()).as("her resting ask was cancelled by the liquidation")
                .anySatisfy(u -> {
                    assertThat(u.accountId()).isEqualTo(alice);
                    assertThat(u.status()).isEqualTo(OrderStatus.CANCELLED);
                    assertThat(u.reason()).isEqualTo(BookReason.LIQUIDATION);
                });
        assertThat(at934.fills()).singleElement().satisfies(fill -> {
            assertThat(fill.price()).as("carol's bid, above the bankruptcy price of 888").isEqualTo(900);
            assertThat(fill.takerFee()).as("a liquidation pays its fee to the fund, not a taker fee").isZero();
        });
        assertThat(size("alice")).isZero();
        // 4 600 at the mark, + 100 × (900 − 934) from the sale, − 934 of fee
        assertThat(collateral("alice")).isEqualTo(4_600 - 3_400 - 934);
        assertThat(risk().insuranceFund()).isEqualTo(934);
        assertThat(size("carol")).isEqualTo(100);
    }

    private static RiskEvent.BookClose bookClose(BlockResult r) {
        return r.riskEvents().stream().filter(e -> e instanceof RiskEvent.BookClose).map(e -> (RiskEvent.BookClose) e)
                .findFirst().orElseThrow();
    }

    @Test
    void theInsuranceFundAbsorbsAGap() {
        aLeveragedLongIsLiquidatedWhenTheIndexDropsExactlyWhenBelowMaintenance(); // the fund holds 934
        accepted(new Tx.CancelAll("carol", 0, 0), index(900), new Tx.Deposit("dave", 0, 5_000),
                new Tx.Deposit("erin", 0, 1_000_000));
        accepted(gtc("bob", SELL, 900, 50), gtc("dave", BUY, 900, 50), gtc("erin", BUY, 790, 50));
        // At 820 dave's equity is 5 000 + 50 × (820 − 900) = 1 000 < 2 050: his bankruptcy price is
        // 800, and the only bid, 790, is below it. The fund can pay down to 820 − (1 000 + 934) / 50.
        BlockResult gap = accepted(index(820));
        long dave = id("dave");
        assertThat(gap.riskEvents()).containsExactly(
                new RiskEvent.Liquidation(dave, BigInteger.valueOf(1_000), BigInteger.valueOf(2_050)),
                new RiskEvent.BookClose(dave, BTC, bookClose(gap).orderId(), SELL, 782, 50, 50, true),
                new RiskEvent.InsuranceCover(dave, BTC, 500));
        assertThat(size("dave")).isZero();
        assertThat(collateral("dave")).as("exactly bankrupt: the fund paid the 50 × 10 below 800").isZero();
        assertThat(risk().insuranceFund()).isEqualTo(934 - 500);
    }

    @Test
    void anEmptyFundDeleveragesTheMostProfitableShortFirst() {
        open(market(), 1000, "long", 15_000, "thin", 10_000, "rich", 1_000_000);
        accepted(gtc("thin", SELL, 1100, 40), gtc("rich", SELL, 1000, 60));
        accepted(gtc("long", BUY, 1100, 100));
        assertThat(size("long")).isEqualTo(100);
        // At 900, with no bid and an empty fund: long's equity 15 000 + 90 000 − 104 000 = 1 000 is
        // below 4 500, and its bankruptcy price 900 − 1 000 / 100 = 890. Thin's short (40 sold at
        // 1 100, +8 000 at 900, equity 18 000) scores 8 000/44 000 × 36 000/18 000 ≈ 0.36; rich's
        // (60 at 1 000, +6 000) 6 000/60 000 × 54 000/1 006 000 ≈ 0.005.
        BlockResult r = accepted(index(900));
        long thin = id("thin");
        long rich = id("rich");
        long lng = id("long");
        assertThat(r.riskEvents()).containsExactly(
                new RiskEvent.Liquidation(lng, BigInteger.valueOf(1_000), BigInteger.valueOf(4_500)),
                new RiskEvent.Deleverage(lng, thin, BTC, SELL, 890, 40),
                new RiskEvent.Deleverage(lng, rich, BTC, SELL, 890, 60));
        assertThat(size("thin")).isZero();
        assertThat(size("rich")).isZero();
        assertThat(collateral("long")).as("closed exactly at its bankruptcy price").isZero();
        assertThat(collateral("thin")).as("sold at 1 100, bought back at 890").isEqualTo(10_000 + 40 * 210);
        assertThat(collateral("rich")).isEqualTo(1_000_000 + 60 * 110);
    }

    @Test
    void equallyRankedHoldersAreDeleveragedInAccountOrder() {
        open(market(), 1000, "long", 15_000, "first", 50_000, "second", 50_000);
        accepted(gtc("second", SELL, 1000, 50), gtc("first", SELL, 1000, 50));
        accepted(gtc("long", BUY, 1000, 100));
        BlockResult r = accepted(index(860));
        assertThat(r.riskEvents()).filteredOn(e -> e instanceof RiskEvent.Deleverage)
                .extracting(e -> ((RiskEvent.Deleverage) e).counterparty())
                .containsExactly(id("first"), id("second"));
    }

    @Test
    void aOneUnitWashTradeAtAnExtremePriceDoesNotMoveTheMarkPastTheBook() {
        open(market(), 1000, "short", 12_000, "maker", 1_000_000, "mallory", 1_000_000, "trent", 1_000_000);
        accepted(gtc("maker", BUY, 1000, 100), gtc("short", SELL, 1000, 100), gtc("maker", BUY, 990, 10));
        assertThat(size("short")).isEqualTo(-100);
        // The asks are empty: mallory can rest one at an extreme price and trent take it.
        BlockResult wash = accepted(gtc("mallory", SELL, 1_000_000, 1), gtc("trent", BUY, 1_000_000, 1));
        assertThat(q.marketStats(BTC).lastPrice()).isEqualTo(1_000_000);
        assertThat(risk().markPrice()).as("one-sided book: the mark is the index, not the last trade").isEqualTo(1000);
        assertThat(wash.riskEvents()).as("the short, bankrupt at 1 000 000, is not liquidated").isEmpty();
        assertThat(size("short")).isEqualTo(-100);
        // With an ask back, the mark is the index clamped into the spread: still no further than the book.
        accepted(gtc("maker", SELL, 1010, 10), index(1200));
        assertThat(risk().markPrice()).as("the index 1 200, clamped to the best ask").isEqualTo(1010);
        assertThat(f.one(new Tx.Withdraw("short", 0, 1)).accepted()).as("margin is judged at that mark").isTrue();
    }

    @Test
    void beforeTheFirstIndexTheLastTradeIsTheReferenceClampedIntoTheBook() {
        f.one(new Tx.CreateMarket(null, 0, market()));
        accepted(new Tx.Deposit("a", 0, 1_000_000), new Tx.Deposit("b", 0, 1_000_000));
        assertThat(risk().markPrice()).as("no index, no trade: no mark").isZero();
        accepted(gtc("a", BUY, 1000, 1), gtc("b", SELL, 1000, 1));
        assertThat(risk().markPrice()).as("the last trade, with an empty book").isEqualTo(1000);
        accepted(gtc("a", BUY, 1005, 1), gtc("b", SELL, 1020, 1));
        assertThat(risk().markPrice()).as("the last trade clamped to the best bid").isEqualTo(1005);
        accepted(new Tx.SetIndexPrice(ORACLE, 0, BTC, 1010));
        assertThat(risk().markPrice()).as("the index inside the spread").isEqualTo(1010);
        assertThat(risk().indexHeight()).isEqualTo(f.height);
    }

    @Test
    void fundingMovesThePremiumPerUnitFromLongsToShortsAndSumsToZero() {
        MarketParams funded = market().withRisk(100, 3, 100);
        f.one(new Tx.CreateMarket(null, 0, funded)); // height 1: first funding at 4
        accepted(new Tx.Deposit("long", 0, 100_000), new Tx.Deposit("short", 0, 100_000), new Tx.Deposit("mm", 0, 100_000),
                index(1000));
        accepted(gtc("short", SELL, 1000, 10), gtc("long", BUY, 1000, 10), gtc("mm", BUY, 1020, 1),
                gtc("mm", SELL, 1030, 1));
        assertThat(f.height).isEqualTo(3);
        assertThat(risk().nextFundingHeight()).isEqualTo(4);
        BlockResult r = f.block(); // height 4: mark = median(1000, 1020, 1030) = 1020; premium 20, capped at 10
        assertThat(r.riskEvents()).containsExactly(new RiskEvent.Funding(BTC, 10, 1000, 1020));
        assertThat(collateral("long")).isEqualTo(100_000 - 100);
        assertThat(collateral("short")).isEqualTo(100_000 + 100);
        assertThat(risk().nextFundingHeight()).isEqualTo(7);
        assertThat(risk().lastFundingPremium()).isEqualTo(10);
        accepted(index(1100)); // height 5: mark 1030, the best ask; premium −70, capped at −11
        f.block();
        r = f.block(); // height 7
        assertThat(r.riskEvents()).containsExactly(new RiskEvent.Funding(BTC, -11, 1100, 1030));
        assertThat(collateral("long")).isEqualTo(100_000 - 100 + 110);
        assertThat(collateral("short")).isEqualTo(100_000 + 100 - 110);
    }

    @Test
    void theOraclesPriceIsRefusedOffTheTickUnpositiveForAnUnknownMarketOrWithAStaleNonce() {
        f.one(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD", 5, 1, 1, 0, 0, 1000, 500)));
        assertThat(f.one(new Tx.SetIndexPrice(ORACLE, 3, BTC, 1000)).accepted()).isTrue();
        f.assertRejectedWithoutEffect(new Tx.SetIndexPrice(ORACLE, 4, BTC, 1001), RejectCode.BAD_TICK);
        f.assertRejectedWithoutEffect(new Tx.SetIndexPrice(ORACLE, 4, BTC, 0), RejectCode.BAD_PRICE);
        f.assertRejectedWithoutEffect(new Tx.SetIndexPrice(ORACLE, 4, 9, 1000), RejectCode.UNKNOWN_MARKET);
        f.assertRejectedWithoutEffect(new Tx.SetIndexPrice(ORACLE, 3, BTC, 1005), RejectCode.STALE_NONCE);
        assertThat(risk().indexPrice()).isEqualTo(1000);
        assertThat(risk().indexHeight()).isEqualTo(2);
        assertThat(q.accountByName(ORACLE).lastNonce()).as("the oracle is an account for nonces").isEqualTo(3);
    }

    @Test
    void aRestingOrderIsJudgedAtTheMarkItLeavesAndAWithdrawalAtTheMarkAsItStands() {
        open(market(), 1000, "short", 17_000, "long", 1_000_000, "mm", 1_000_000);
        accepted(gtc("long", BUY, 1000, 100), gtc("short", SELL, 1000, 100), gtc("mm", SELL, 1100, 1),
                gtc("mm", BUY, 900, 1));
        accepted(index(1050));
        assertThat(risk().markPrice()).as("the index inside the spread of 900 / 1 100").isEqualTo(1050);
        // At 1 050 the short's equity 12 000 covers 10 % of 105 000 and of a bid of 1 at 1 090; but
        // resting as the best bid, that order lifts the mark to 1 090: equity 8 000, margin 11 009.
        f.assertRejectedWithoutEffect(gtc("short", BUY, 1090, 1), RejectCode.INSUFFICIENT_MARGIN);
        // A bid at 1 060 lifts it to 1 060: equity 11 000, margin 10 706.
        accepted(gtc("short", BUY, 1060, 1));
        assertThat(risk().markPrice()).isEqualTo(1060);
        assertThat(q.margin(q.accountByName("short")).withdrawable()).isEqualTo(294);
        f.assertRejectedWithoutEffect(new Tx.Withdraw("short", 0, 295), RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(new Tx.Withdraw("short", 0, 294)).accepted()).isTrue();
    }

    @Test
    void aBatchsOrdersAreJudgedAtTheMarkTheyLeaveLikeLoneOrders() {
        open(market(), 1000, "short", 17_000, "long", 1_000_000, "mm", 1_000_000);
        accepted(gtc("long", BUY, 1000, 100), gtc("short", SELL, 1000, 100), gtc("mm", SELL, 1100, 1),
                gtc("mm", BUY, 900, 1));
        accepted(index(1050));
        // As in the case above: a bid of 1 at 1 090 would lift the mark past what her equity covers,
        // one at 1 060 would not; inside one batch each action is judged as it would be alone.
        BlockResult r = f.block(new Tx.Batch("short", 0, List.of(gtc("short", BUY, 1090, 1), gtc("short", BUY, 1060, 1))));
        TxResult batch = r.results().get(0);
        assertThat(batch.accepted()).isTrue();
        assertThat(batch.actions()).hasSize(2);
        assertThat(batch.actions().get(0).accepted()).isFalse();
        assertThat(batch.actions().get(0).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(batch.actions().get(1).accepted()).isTrue();
        assertThat(risk().markPrice()).isEqualTo(1060);
        assertThat(q.margin(q.accountByName("short")).withdrawable()).isEqualTo(294);
    }

    @Test
    void theOneTickMoveExaminesOnlyTheAccountsNearTheirTriggersAndARestartExaminesEveryHolderOnce() {
        open(market(), 100_000, "maker", 1_000_000_000_000L);
        List<Tx> deposits = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            deposits.add(new Tx.Deposit("t" + i, 0, 1_100_000 + 20_000L * i)); // leverage from about 9 down to 1
        }
        accepted(deposits.toArray(Tx[]::new));
        List<Tx> trades = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            trades.add(gtc("maker", SELL, 100_000, 100));
            trades.add(gtc("t" + i, BUY, 100_000, 100));
        }
        BlockResult opened = accepted(trades.toArray(Tx[]::new));
        assertThat(opened.risk().examined()).as("the block that opened them examines every one").isGreaterThanOrEqualTo(400);
        BlockResult quiet = accepted(index(99_999));
        assertThat(quiet.risk().examined()).as("a one-tick move").isLessThan(10);
        assertThat(quiet.risk().liquidated()).isZero();

        Engine restarted = new Engine(f.store);
        restarted.rebuildOrderbookFromState();
        BlockResult first = restarted.executeBlock(f.height + 1, 0, List.of(index(99_998)));
        assertThat(first.risk().examined()).as("after a restart every holder is examined once").isGreaterThanOrEqualTo(401);
        BlockResult second = restarted.executeBlock(f.height + 2, 0, List.of(index(99_997)));
        assertThat(second.risk().examined()).isLessThan(10);
    }
}
