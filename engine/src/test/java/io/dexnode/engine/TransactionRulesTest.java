package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.cancel;
import static io.dexnode.engine.EngineFixture.gtc;
import static io.dexnode.engine.EngineFixture.place;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookReason;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import org.junit.jupiter.api.Test;

/**
 * Transaction rules of DESIGN.md §5, §6 and issue #5 not covered by {@link OrderLifecycleTest}:
 * self-trade modes, position accounting on partial closes and flips, fees, margin with unrealized
 * PnL, ownership and nonce handling of rejections, ids from state counters.
 */
class TransactionRulesTest {
    private static final int ETH = 2;
    private final EngineFixture f = new EngineFixture().withMarketAndMoney("alice", "bob", "carol");
    private final StateQueries q = new StateQueries(f.store);

    private long id(String name) {
        return q.accountByName(name).accountId();
    }

    private ActiveOrderEntry indexEntry(int market, long orderId) {
        byte[] raw = f.store.get(new StateKey.ActiveOrder(market, orderId).encode());
        return raw == null ? null : ActiveOrderEntry.decode(raw);
    }

    private static Tx.Place withStp(String account, Side side, long price, long size, SelfTradePrevention stp) {
        return new Tx.Place(account, 0, BTC, side, price, size, TimeInForce.GTC, null, stp);
    }

    // ---------------------------------------------------------------- self-trade prevention

    @Test
    void selfTradeCancelBothCancelsTheRestingOrderAndTheIncomingOne() {
        long resting = f.one(gtc("alice", SELL, 100, 5)).orderId();
        long bobs = f.one(gtc("bob", SELL, 100, 5)).orderId();
        TxResult buy = f.one(withStp("alice", BUY, 100, 5, SelfTradePrevention.CANCEL_BOTH));
        assertThat(buy.fills()).isEmpty();
        assertThat(buy.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(buy.orderId()).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(resting).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(indexEntry(BTC, resting)).isNull();
        assertThat(q.order(bobs).status()).as("another account's order behind it is untouched").isEqualTo(OrderStatus.ACTIVE);
        assertThat(f.engine.depth(BTC, 10).asks()).isDeepEqualTo(new long[][] {{100, 5}});
        assertThat(f.engine.depth(BTC, 10).bids()).isEmpty();
    }

    @Test
    void selfTradeCancelRestingSkipsTheOwnOrderAndTradesWithTheNext() {
        long resting = f.one(gtc("alice", SELL, 100, 5)).orderId();
        long bobs = f.one(gtc("bob", SELL, 100, 5)).orderId();
        TxResult buy = f.one(withStp("alice", BUY, 100, 5, SelfTradePrevention.CANCEL_RESTING));
        assertThat(buy.fills()).extracting(Fill::makerOrderId).containsExactly(bobs);
        assertThat(buy.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(q.order(resting).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(f.engine.depth(BTC, 10).asks()).isEmpty();
    }

    @Test
    void selfTradeAllowTradesWithItselfPayingBothFeesAndLeavingNoPosition() {
        long resting = f.one(gtc("alice", SELL, 100, 10)).orderId();
        long before = q.accountByName("alice").collateral();
        TxResult buy = f.one(withStp("alice", BUY, 100, 10, SelfTradePrevention.ALLOW));
        assertThat(buy.fills()).hasSize(1);
        Fill fill = buy.fills().get(0);
        assertThat(fill.makerAccount()).isEqualTo(fill.takerAccount());
        assertThat(q.order(resting).status()).isEqualTo(OrderStatus.FILLED);
        assertThat(q.position(id("alice"), BTC).size()).isZero();
        assertThat(q.position(id("alice"), BTC).entryNotional()).isZero();
        assertThat(q.accountByName("alice").collateral()).isEqualTo(before - fill.makerFee() - fill.takerFee());
        assertThat(q.account(Engine.FEE_ACCOUNT_ID).collateral()).isEqualTo(fill.makerFee() + fill.takerFee());
    }

    @Test
    void selfTradeCancelIncomingKeepsTheFillsMadeBeforeMeetingTheOwnOrder() {
        long bobs = f.one(gtc("bob", SELL, 100, 2)).orderId();
        long own = f.one(gtc("alice", SELL, 101, 5)).orderId();
        TxResult buy = f.one(withStp("alice", BUY, 101, 6, SelfTradePrevention.CANCEL_INCOMING));
        assertThat(buy.fills()).extracting(Fill::makerOrderId).containsExactly(bobs);
        assertThat(buy.status()).isEqualTo(OrderStatus.CANCELLED);
        OrderRecord o = q.order(buy.orderId());
        assertThat(o.filled()).isEqualTo(2);
        assertThat(o.remaining()).isEqualTo(4);
        assertThat(indexEntry(BTC, buy.orderId())).isNull();
        assertThat(q.order(own).status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(f.engine.depth(BTC, 10).bids()).isEmpty();
        assertThat(f.engine.depth(BTC, 10).asks()).isDeepEqualTo(new long[][] {{101, 5}});
    }

    @Test
    void fillOrKillDoesNotCountTheAccountsOwnOrdersAndHasNoEffectWhenRefused() {
        long own = f.one(gtc("alice", SELL, 100, 5)).orderId();
        f.one(gtc("bob", SELL, 101, 2));
        Tx.Place fok = new Tx.Place("alice", 0, BTC, BUY, 101, 3, TimeInForce.FOK, null, SelfTradePrevention.CANCEL_RESTING);
        f.assertRejectedWithoutEffect(fok, RejectCode.FOK_NOT_FILLABLE);
        assertThat(q.order(own).status()).as("self-trade prevention did not run for a refused FOK").isEqualTo(OrderStatus.ACTIVE);
    }

    @Test
    void postOnlyThatWouldCrossOnlyItsOwnOrderIsStillRefused() {
        f.one(gtc("alice", SELL, 100, 5));
        f.assertRejectedWithoutEffect(place("alice", BUY, 100, 1, TimeInForce.POST_ONLY), RejectCode.POST_ONLY_WOULD_CROSS);
    }

    // ---------------------------------------------------------------- positions

    @Test
    void partialCloseOfALongRealizesPnlOnTheClosedPartAndKeepsTheAverageCost() {
        f.one(gtc("bob", SELL, 100, 10));
        f.one(gtc("alice", BUY, 100, 10)); // alice long 10 @ 100
        f.one(gtc("carol", BUY, 90, 4));
        f.one(gtc("alice", SELL, 90, 4)); // closes 4 at 90: −40
        assertPosition("alice", 6, 600, -40);
    }

    @Test
    void partialCloseOfAShortRealizesPnlWithTheOppositeSign() {
        f.one(gtc("bob", BUY, 100, 10));
        f.one(gtc("alice", SELL, 100, 10)); // alice short 10 @ 100
        f.one(gtc("carol", SELL, 90, 4));
        f.one(gtc("alice", BUY, 90, 4)); // buys back 4 at 90: +40
        assertPosition("alice", -6, -600, 40);
    }

    @Test
    void flippingFromLongToShortRealizesTheClosedPartAndOpensTheRestAtTheFillPrice() {
        f.one(gtc("bob", SELL, 100, 10));
        f.one(gtc("alice", BUY, 100, 10)); // alice long 10 @ 100
        f.one(gtc("carol", BUY, 120, 15));
        long before = q.accountByName("alice").collateral();
        TxResult sell = f.one(gtc("alice", SELL, 120, 15)); // closes 10 (+200), opens short 5 @ 120
        assertPosition("alice", -5, -600, 200);
        long fee = sell.fills().get(0).takerFee();
        assertThat(q.accountByName("alice").collateral()).as("realized PnL is paid into collateral, less the fee")
                .isEqualTo(before + 200 - fee);
        PositionRecord carol = q.position(id("carol"), BTC);
        assertThat(carol.size()).isEqualTo(15);
        assertThat(carol.entryNotional()).isEqualTo(1800);
    }

    @Test
    void flippingFromShortToLongRealizesTheClosedPartAndOpensTheRestAtTheFillPrice() {
        f.one(gtc("bob", BUY, 100, 10));
        f.one(gtc("alice", SELL, 100, 10)); // alice short 10 @ 100
        f.one(gtc("carol", SELL, 120, 15));
        f.one(gtc("alice", BUY, 120, 15)); // closes 10 (−200), opens long 5 @ 120
        assertPosition("alice", 5, 600, -200);
    }

    // ---------------------------------------------------------------- fees

    @Test
    void everyFillPaysMakerAndTakerFeesRoundedUpIntoTheFeeAccount() {
        f.one(gtc("bob", SELL, 100, 3));
        f.one(gtc("carol", SELL, 101, 7));
        TxResult buy = f.one(gtc("alice", BUY, 101, 10));
        assertThat(buy.fills()).hasSize(2);
        // notional 300: maker ⌈300×2/10⁴⌉ = 1, taker ⌈300×5/10⁴⌉ = 1; notional 707: 1 and 1
        assertThat(buy.fills()).extracting(Fill::makerFee).containsExactly(1L, 1L);
        assertThat(buy.fills()).extracting(Fill::takerFee).containsExactly(1L, 1L);
        assertThat(q.account(Engine.FEE_ACCOUNT_ID).collateral()).isEqualTo(4);
        assertThat(q.accountByName("alice").collateral()).isEqualTo(1_000_000 - 2);
        assertThat(q.accountByName("bob").collateral()).isEqualTo(1_000_000 - 1);
        assertThat(q.accountByName("carol").collateral()).isEqualTo(1_000_000 - 1);
    }

    // ---------------------------------------------------------------- margin

    @Test
    void withdrawalIsCheckedAgainstEquityIncludingUnrealizedLossAtTheLastTradePrice() {
        f.one(gtc("bob", SELL, 100, 5_000));
        f.one(gtc("alice", BUY, 100, 5_000)); // alice long 5,000 @ 100
        f.one(gtc("carol", SELL, 50, 1));
        f.one(gtc("bob", BUY, 50, 1)); // last trade price 50
        assertThat(q.marketStats(BTC).lastPrice()).isEqualTo(50);
        long collateral = q.accountByName("alice").collateral();
        long equity = collateral + 5_000 * 50 - 500_000;
        long required = 5_000 * 50 / 10; // 10% initial margin
        f.assertRejectedWithoutEffect(new Tx.Withdraw("alice", 0, equity - required + 1), RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(new Tx.Withdraw("alice", 0, equity - required)).accepted()).isTrue();
        assertThat(q.accountByName("alice").collateral()).isEqualTo(collateral - (equity - required));
    }

    @Test
    void openOrdersCountTowardTheMarginOfAWithdrawal() {
        long order = f.one(gtc("alice", BUY, 100, 5_000)).orderId(); // 50,000 initial margin
        f.assertRejectedWithoutEffect(new Tx.Withdraw("alice", 0, 950_001), RejectCode.INSUFFICIENT_MARGIN);
        f.one(cancel("alice", order));
        assertThat(f.one(new Tx.Withdraw("alice", 0, 999_999)).accepted()).isTrue();
    }

    @Test
    void marginOfAnotherMarketCountsForPlacement() {
        f.one(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500)));
        f.one(new Tx.Place("alice", 0, ETH, BUY, 100, 90_000, TimeInForce.GTC, null, SelfTradePrevention.ALLOW));
        // 900,000 of margin is used in ETH; the 100,000 left covers 1,000,000 of resting notional in BTC
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 100, 10_001), RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(gtc("alice", BUY, 100, 10_000)).accepted()).isTrue();
    }

    // ---------------------------------------------------------------- rejections change nothing

    @Test
    void rejectedTransactionLeavesTheRootUnchangedAndDoesNotUseItsNonce() {
        f.one(new Tx.Deposit("alice", 3, 1));
        f.assertRejectedWithoutEffect(new Tx.Cancel("alice", 4, 999, null), RejectCode.UNKNOWN_ORDER);
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(3);
        f.assertRejectedWithoutEffect(new Tx.Place("alice", 4, BTC, BUY, 100, 0, TimeInForce.GTC, null,
                SelfTradePrevention.CANCEL_RESTING), RejectCode.BAD_SIZE);
        assertThat(f.one(new Tx.Place("alice", 4, BTC, BUY, 100, 1, TimeInForce.GTC, null,
                SelfTradePrevention.CANCEL_RESTING)).accepted()).as("nonce 4 is still unused").isTrue();
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(4);
        f.assertRejectedWithoutEffect(new Tx.CancelAll("alice", 4, 0), RejectCode.STALE_NONCE);
        f.assertRejectedWithoutEffect(new Tx.CancelAll("alice", 2, 0), RejectCode.STALE_NONCE);
    }

    @Test
    void amendingOrReducingSomeoneElsesOrderIsRefusedAndChangesNothing() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        f.assertRejectedWithoutEffect(new Tx.Amend("bob", 0, id, null, 98, 4), RejectCode.NOT_OWNER);
        f.assertRejectedWithoutEffect(new Tx.Reduce("bob", 0, id, null, 2), RejectCode.NOT_OWNER);
        assertThat(q.order(id).remaining()).isEqualTo(4);
        assertThat(q.order(id).price()).isEqualTo(99);
    }

    @Test
    void clientOrderIdsBelongToTheirAccount() {
        long id = f.one(new Tx.Place("alice", 0, BTC, BUY, 90, 1, TimeInForce.GTC, "c1",
                SelfTradePrevention.CANCEL_RESTING)).orderId();
        f.assertRejectedWithoutEffect(new Tx.Cancel("bob", 0, 0, "c1"), RejectCode.UNKNOWN_ORDER);
        TxResult bobs = f.one(new Tx.Place("bob", 0, BTC, BUY, 91, 1, TimeInForce.GTC, "c1",
                SelfTradePrevention.CANCEL_RESTING));
        assertThat(bobs.accepted()).as("another account may use the same client order id").isTrue();
        assertThat(f.one(new Tx.Amend("alice", 0, 0, "c1", 92, 0)).orderId()).isEqualTo(id);
        assertThat(q.order(id).price()).isEqualTo(92);
    }

    @Test
    void reduceToZeroOrBelowIsRefusedAsABadSize() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        f.assertRejectedWithoutEffect(new Tx.Reduce("alice", 0, id, null, 0), RejectCode.BAD_SIZE);
        f.assertRejectedWithoutEffect(new Tx.Reduce("alice", 0, id, null, -1), RejectCode.BAD_SIZE);
        assertThat(q.order(id).remaining()).isEqualTo(4);
    }

    @Test
    void replayedReduceIsRefusedForItsStaleNonce() {
        long id = f.one(gtc("alice", BUY, 99, 5)).orderId();
        Tx.Reduce reduce = new Tx.Reduce("alice", 1, id, null, 3);
        assertThat(f.one(reduce).accepted()).isTrue();
        f.assertRejectedWithoutEffect(reduce, RejectCode.STALE_NONCE);
        assertThat(q.order(id).remaining()).isEqualTo(3);
    }

    @Test
    void amendingAPostOnlyOrderAcrossTheBookIsRefused() {
        f.one(gtc("bob", SELL, 100, 5));
        long id = f.one(place("alice", BUY, 98, 5, TimeInForce.POST_ONLY)).orderId();
        f.assertRejectedWithoutEffect(new Tx.Amend("alice", 0, id, null, 100, 0), RejectCode.POST_ONLY_WOULD_CROSS);
        assertThat(f.one(new Tx.Amend("alice", 0, id, null, 99, 0)).accepted()).isTrue();
        assertThat(f.engine.depth(BTC, 10).bids()).isDeepEqualTo(new long[][] {{99, 5}});
    }

    @Test
    void amendBeyondMarginIsRefusedAndChangesNothing() {
        long id = f.one(gtc("alice", BUY, 100, 1_000)).orderId();
        f.assertRejectedWithoutEffect(new Tx.Amend("alice", 0, id, null, 0, 200_000), RejectCode.INSUFFICIENT_MARGIN);
        assertThat(q.order(id).remaining()).isEqualTo(1_000);
    }

    @Test
    void marketsAccountsAndAmountsAreValidated() {
        f.assertRejectedWithoutEffect(new Tx.CreateMarket(null, 0, EngineFixture.btc()), RejectCode.MARKET_EXISTS);
        f.assertRejectedWithoutEffect(new Tx.Withdraw("nobody", 0, 1), RejectCode.UNKNOWN_ACCOUNT);
        f.assertRejectedWithoutEffect(gtc("nobody", BUY, 100, 1), RejectCode.UNKNOWN_ACCOUNT);
        f.assertRejectedWithoutEffect(new Tx.Deposit("alice", 0, 0), RejectCode.INVALID_AMOUNT);
        f.assertRejectedWithoutEffect(new Tx.Withdraw("alice", 0, -1), RejectCode.INVALID_AMOUNT);
        f.assertRejectedWithoutEffect(new Tx.Deposit("alice", 0, Long.MAX_VALUE), RejectCode.OVERFLOW);
        f.assertRejectedWithoutEffect(new Tx.CancelAll("alice", 0, 7), RejectCode.UNKNOWN_MARKET);
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 0, 1), RejectCode.BAD_PRICE);
    }

    @Test
    void aNameOfSixtyFourHexDigitsIsAnAccountOnlyInLowerCaseLikeThePublicKeysAdmissionWrites() {
        String key = "00ab".repeat(16);
        f.assertRejectedWithoutEffect(new Tx.Deposit(key.toUpperCase(java.util.Locale.ROOT), 0, 5), RejectCode.MALFORMED);
        f.assertRejectedWithoutEffect(new Tx.Deposit("00AB" + "00ab".repeat(15), 0, 5), RejectCode.MALFORMED);
        assertThat(f.one(new Tx.Deposit(key, 0, 5)).accepted()).as("the lower-case key").isTrue();
        assertThat(f.one(new Tx.Deposit("0".repeat(64), 0, 5)).accepted()).as("digits only").isTrue();
        assertThat(f.one(new Tx.Deposit("G" + "0".repeat(63), 0, 5)).accepted()).as("not hex: any case").isTrue();
    }

    @Test
    void createMarketRefusesFeesAndMarginsOutsideZeroToOneHundredPercent() {
        // the JSON form refuses these as malformed; the engine must refuse them too, not create a
        // market whose negative fee pays rebates out of nothing
        f.assertRejectedWithoutEffect(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, -1, 5, 1000, 500)),
                RejectCode.INVALID_MARKET);
        f.assertRejectedWithoutEffect(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 2, -5, 1000, 500)),
                RejectCode.INVALID_MARKET);
        f.assertRejectedWithoutEffect(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 2, 10_001, 1000, 500)),
                RejectCode.INVALID_MARKET);
        f.assertRejectedWithoutEffect(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 2, 5, 10_001, 500)),
                RejectCode.INVALID_MARKET);
        assertThat(f.one(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 0, 10_000, 10_000, 10_000)))
                .accepted()).isTrue();
    }

    // ---------------------------------------------------------------- lifecycle details

    @Test
    void iocWithNothingToTakeIsKeptAsCancelledHistory() {
        TxResult ioc = f.one(place("alice", BUY, 100, 5, TimeInForce.IOC));
        assertThat(ioc.status()).isEqualTo(OrderStatus.CANCELLED);
        OrderRecord o = q.order(ioc.orderId());
        assertThat(o.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(o.filled()).isZero();
        assertThat(indexEntry(BTC, ioc.orderId())).isNull();
        assertThat(f.engine.depth(BTC, 10).bids()).isEmpty();
    }

    @Test
    void partiallyFilledMakersIndexEntryFollowsItsRemainingSize() {
        long maker = f.one(gtc("bob", SELL, 100, 5)).orderId();
        long seq = q.order(maker).prioritySeq();
        f.one(gtc("alice", BUY, 100, 2));
        assertThat(indexEntry(BTC, maker)).isEqualTo(new ActiveOrderEntry(seq, 3));
        f.one(gtc("alice", BUY, 100, 3));
        assertThat(indexEntry(BTC, maker)).isNull();
        assertThat(q.order(maker).status()).isEqualTo(OrderStatus.FILLED);
    }

    @Test
    void cancelAllWithoutAMarketCancelsTheCallersOrdersInEveryMarket() {
        f.one(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500)));
        long btc = f.one(gtc("alice", BUY, 90, 1)).orderId();
        long eth = f.one(new Tx.Place("alice", 0, ETH, SELL, 200, 1, TimeInForce.GTC, null,
                SelfTradePrevention.CANCEL_RESTING)).orderId();
        long bobs = f.one(gtc("bob", BUY, 91, 1)).orderId();
        TxResult all = f.one(new Tx.CancelAll("alice", 0, 0));
        assertThat(all.accepted()).isTrue();
        assertThat(q.order(btc).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(eth).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(indexEntry(ETH, eth)).isNull();
        assertThat(q.order(bobs).status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(f.engine.depth(ETH, 10).asks()).isEmpty();
    }

    @Test
    void cancelReportsTheOrderUpdateWithItsReason() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        BlockResult b = f.block(cancel("alice", id));
        assertThat(b.orderUpdates()).singleElement().satisfies(u -> {
            assertThat(u.orderId()).isEqualTo(id);
            assertThat(u.status()).isEqualTo(OrderStatus.CANCELLED);
            assertThat(u.reason()).isEqualTo(BookReason.CANCELLED_BY_USER);
        });
    }

    @Test
    void orderIdsAndPrioritySequencesContinueFromStateAfterARestart() {
        TxResult first = f.one(gtc("alice", BUY, 90, 1));
        TxResult second = f.one(gtc("bob", BUY, 90, 1));
        assertThat(second.orderId()).isEqualTo(first.orderId() + 1);
        EngineFixture restarted = new EngineFixture(f.store);
        TxResult third = restarted.one(gtc("carol", BUY, 90, 1));
        assertThat(third.orderId()).isEqualTo(second.orderId() + 1);
        OrderRecord o = new StateQueries(f.store).order(third.orderId());
        assertThat(o.prioritySeq()).isGreaterThan(q.order(second.orderId()).prioritySeq());
        TxResult sell = restarted.one(gtc("bob", SELL, 90, 3));
        assertThat(sell.fills()).extracting(Fill::makerOrderId)
                .containsExactly(first.orderId(), third.orderId()); // bob's own bid is cancelled (self-trade)
    }

    private void assertPosition(String account, long size, long entryNotional, long realizedPnl) {
        PositionRecord p = q.position(id(account), BTC);
        assertThat(p.size()).as("size").isEqualTo(size);
        assertThat(p.entryNotional()).as("entry notional").isEqualTo(entryNotional);
        assertThat(p.realizedPnl()).as("realized PnL").isEqualTo(realizedPnl);
    }
}
