package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.cancel;
import static io.dexnode.engine.EngineFixture.gtc;
import static io.dexnode.engine.EngineFixture.place;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import org.junit.jupiter.api.Test;

/** The order lifecycle rules of DESIGN.md §6, one test per rule. */
class OrderLifecycleTest {
    private final EngineFixture f = new EngineFixture().withMarketAndMoney("alice", "bob", "carol");
    private final StateQueries q = new StateQueries(f.store);

    private boolean indexed(long orderId) {
        return f.store.get(new StateKey.ActiveOrder(BTC, orderId).encode()) != null;
    }

    private long[][] bids() {
        return f.engine.depth(BTC, 10).bids();
    }

    private long[][] asks() {
        return f.engine.depth(BTC, 10).asks();
    }

    @Test
    void gtcRemainderIsSavedActiveIndexedAndRests() {
        long sell = f.one(gtc("bob", SELL, 100, 2)).orderId();
        TxResult buy = f.one(gtc("alice", BUY, 100, 5));
        assertThat(buy.status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(buy.remaining()).isEqualTo(3);
        OrderRecord o = q.order(buy.orderId());
        assertThat(o.status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(o.remaining()).isEqualTo(3);
        assertThat(o.filled()).isEqualTo(2);
        assertThat(indexed(buy.orderId())).isTrue();
        assertThat(bids()).isDeepEqualTo(new long[][] {{100, 3}});
        assertThat(q.order(sell).status()).isEqualTo(OrderStatus.FILLED);
        assertThat(indexed(sell)).isFalse();
    }

    @Test
    void fullyFilledGtcIsSavedFilledWithoutIndexOrBook() {
        f.one(gtc("bob", SELL, 100, 5));
        TxResult buy = f.one(gtc("alice", BUY, 100, 5));
        assertThat(buy.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(q.order(buy.orderId()).status()).isEqualTo(OrderStatus.FILLED);
        assertThat(indexed(buy.orderId())).isFalse();
        assertThat(bids()).isEmpty();
        assertThat(asks()).isEmpty();
    }

    @Test
    void iocMatchesWhatItCanAndIsCancelledNeverRests() {
        f.one(gtc("bob", SELL, 100, 2));
        TxResult ioc = f.one(place("alice", BUY, 101, 5, TimeInForce.IOC));
        assertThat(ioc.fills()).hasSize(1);
        assertThat(ioc.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(ioc.orderId()).filled()).isEqualTo(2);
        assertThat(indexed(ioc.orderId())).isFalse();
        assertThat(bids()).isEmpty();
    }

    @Test
    void fokThatCannotFillCompletelyIsRejectedWithNoEffect() {
        f.one(gtc("bob", SELL, 100, 2));
        byte[] root = f.store.latestRoot();
        TxResult fok = f.one(place("alice", BUY, 100, 3, TimeInForce.FOK));
        assertThat(fok.rejection().code()).isEqualTo(RejectCode.FOK_NOT_FILLABLE);
        assertThat(asks()).isDeepEqualTo(new long[][] {{100, 2}});
        assertThat(f.store.latestRoot()).isEqualTo(root);
    }

    @Test
    void fokThatCanFillFillsCompletely() {
        f.one(gtc("bob", SELL, 100, 2));
        f.one(gtc("carol", SELL, 101, 2));
        TxResult fok = f.one(place("alice", BUY, 101, 3, TimeInForce.FOK));
        assertThat(fok.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(fok.fills()).extracting(Fill::size).containsExactly(2L, 1L);
        assertThat(asks()).isDeepEqualTo(new long[][] {{101, 1}});
    }

    @Test
    void postOnlyThatWouldCrossIsRejectedAndOtherwiseRests() {
        f.one(gtc("bob", SELL, 100, 2));
        TxResult crossing = f.one(place("alice", BUY, 100, 1, TimeInForce.POST_ONLY));
        assertThat(crossing.rejection().code()).isEqualTo(RejectCode.POST_ONLY_WOULD_CROSS);
        TxResult resting = f.one(place("alice", BUY, 99, 1, TimeInForce.POST_ONLY));
        assertThat(resting.status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(bids()).isDeepEqualTo(new long[][] {{99, 1}});
    }

    @Test
    void cancelRemovesFromBookAndIndexAndKeepsTheRecordAsCancelled() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        TxResult c = f.one(cancel("alice", id));
        assertThat(c.accepted()).isTrue();
        assertThat(q.order(id).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(id).remaining()).isEqualTo(4);
        assertThat(indexed(id)).isFalse();
        assertThat(bids()).isEmpty();
    }

    @Test
    void cancellingSomeoneElsesOrderIsRefusedAndChangesNothing() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        byte[] root = f.store.latestRoot();
        TxResult c = f.one(cancel("bob", id));
        assertThat(c.rejection().code()).isEqualTo(RejectCode.NOT_OWNER);
        assertThat(f.store.latestRoot()).isEqualTo(root);
        assertThat(bids()).isDeepEqualTo(new long[][] {{99, 4}});
    }

    @Test
    void cancellingAnEndedOrderIsRefused() {
        long id = f.one(gtc("alice", BUY, 99, 4)).orderId();
        f.one(cancel("alice", id));
        assertThat(f.one(cancel("alice", id)).rejection().code()).isEqualTo(RejectCode.ORDER_NOT_ACTIVE);
        assertThat(f.one(cancel("alice", 999)).rejection().code()).isEqualTo(RejectCode.UNKNOWN_ORDER);
    }

    @Test
    void partiallyFilledMakerStaysActiveAndKeepsItsPlace() {
        long first = f.one(gtc("bob", SELL, 100, 5)).orderId();
        long second = f.one(gtc("carol", SELL, 100, 5)).orderId();
        f.one(gtc("alice", BUY, 100, 2));
        assertThat(q.order(first).remaining()).isEqualTo(3);
        assertThat(q.order(first).status()).isEqualTo(OrderStatus.ACTIVE);
        TxResult next = f.one(gtc("alice", BUY, 100, 3));
        assertThat(next.fills()).extracting(Fill::makerOrderId).containsExactly(first);
        assertThat(q.order(second).remaining()).isEqualTo(5);
    }

    @Test
    void fillMovesPositionsCollateralAndFees() {
        f.one(gtc("bob", SELL, 100, 10));
        TxResult buy = f.one(gtc("alice", BUY, 100, 10));
        Fill fill = buy.fills().get(0);
        assertThat(fill.takerFee()).isEqualTo(1); // ceil(1000 × 5 / 10000)
        assertThat(fill.makerFee()).isEqualTo(1); // ceil(1000 × 2 / 10000)
        long alice = q.accountByName("alice").accountId();
        long bob = q.accountByName("bob").accountId();
        PositionRecord pa = q.position(alice, BTC);
        PositionRecord pb = q.position(bob, BTC);
        assertThat(pa.size()).isEqualTo(10);
        assertThat(pa.entryNotional()).isEqualTo(1000);
        assertThat(pb.size()).isEqualTo(-10);
        assertThat(pb.entryNotional()).isEqualTo(-1000);
        assertThat(q.account(alice).collateral()).isEqualTo(1_000_000 - 1);
        assertThat(q.account(bob).collateral()).isEqualTo(1_000_000 - 1);
        assertThat(q.account(Engine.FEE_ACCOUNT_ID).collateral()).isEqualTo(2);
        assertThat(q.marketStats(BTC).lastPrice()).isEqualTo(100);
    }

    @Test
    void closingAPositionRealizesPnl() {
        f.one(gtc("bob", SELL, 100, 10));
        f.one(gtc("alice", BUY, 100, 10));
        f.one(gtc("carol", BUY, 110, 10));
        f.one(gtc("alice", SELL, 110, 10));
        long alice = q.accountByName("alice").accountId();
        PositionRecord pa = q.position(alice, BTC);
        assertThat(pa.size()).isZero();
        assertThat(pa.entryNotional()).isZero();
        assertThat(pa.realizedPnl()).isEqualTo(100);
    }

    @Test
    void reduceKeepsPriority() {
        long first = f.one(gtc("bob", SELL, 100, 5)).orderId();
        long second = f.one(gtc("carol", SELL, 100, 5)).orderId();
        TxResult reduced = f.one(new Tx.Amend("bob", 0, first, null, 0, 2));
        assertThat(reduced.accepted()).isTrue();
        assertThat(q.order(first).prioritySeq()).isLessThan(q.order(second).prioritySeq());
        TxResult buy = f.one(gtc("alice", BUY, 100, 2));
        assertThat(buy.fills()).extracting(Fill::makerOrderId).containsExactly(first);
    }

    @Test
    void reduceTransactionLowersTheSizeInPlaceAndRefusesIncreases() {
        long first = f.one(gtc("bob", SELL, 100, 5)).orderId();
        long seq = q.order(first).prioritySeq();
        assertThat(f.one(new Tx.Reduce("bob", 0, first, null, 3)).remaining()).isEqualTo(3);
        assertThat(q.order(first).prioritySeq()).isEqualTo(seq);
        assertThat(f.one(new Tx.Reduce("bob", 0, first, null, 3)).rejection().code()).isEqualTo(RejectCode.BAD_SIZE);
        assertThat(asks()).isDeepEqualTo(new long[][] {{100, 3}});
    }

    @Test
    void amendingThePriceTakesANewSequenceAndLosesPriority() {
        long first = f.one(gtc("bob", SELL, 101, 5)).orderId();
        long second = f.one(gtc("carol", SELL, 100, 5)).orderId();
        long before = q.order(first).prioritySeq();
        f.one(new Tx.Amend("bob", 0, first, null, 100, 5));
        assertThat(q.order(first).prioritySeq()).isGreaterThan(before);
        assertThat(q.order(first).price()).isEqualTo(100);
        TxResult buy = f.one(gtc("alice", BUY, 100, 5));
        assertThat(buy.fills()).extracting(Fill::makerOrderId).containsExactly(second);
    }

    @Test
    void amendThatCrossesMatchesAsTaker() {
        f.one(gtc("bob", SELL, 100, 3));
        long bid = f.one(gtc("alice", BUY, 98, 3)).orderId();
        TxResult amended = f.one(new Tx.Amend("alice", 0, bid, null, 100, 3));
        assertThat(amended.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(indexed(bid)).isFalse();
        assertThat(asks()).isEmpty();
    }

    @Test
    void increasingSizeTakesANewSequence() {
        long first = f.one(gtc("bob", SELL, 100, 5)).orderId();
        long before = q.order(first).prioritySeq();
        f.one(new Tx.Amend("bob", 0, first, null, 0, 8));
        assertThat(q.order(first).prioritySeq()).isGreaterThan(before);
        assertThat(asks()).isDeepEqualTo(new long[][] {{100, 8}});
    }

    @Test
    void selfTradeCancelsTheRestingOrderByDefault() {
        long resting = f.one(gtc("alice", SELL, 100, 5)).orderId();
        TxResult buy = f.one(gtc("alice", BUY, 100, 5));
        assertThat(buy.fills()).isEmpty();
        assertThat(q.order(resting).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(bids()).isDeepEqualTo(new long[][] {{100, 5}});
    }

    @Test
    void selfTradeCancelIncomingKeepsTheRestingOrder() {
        long resting = f.one(gtc("alice", SELL, 100, 5)).orderId();
        TxResult buy = f.one(new Tx.Place("alice", 0, BTC, BUY, 100, 5, TimeInForce.GTC, null,
                SelfTradePrevention.CANCEL_INCOMING));
        assertThat(buy.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(q.order(resting).status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(asks()).isDeepEqualTo(new long[][] {{100, 5}});
    }

    @Test
    void cancelAllCancelsOnlyTheCallersOrdersInTheMarket() {
        f.one(gtc("alice", BUY, 90, 1));
        f.one(gtc("alice", BUY, 91, 1));
        long bobs = f.one(gtc("bob", BUY, 92, 1)).orderId();
        TxResult all = f.one(new Tx.CancelAll("alice", 0, BTC));
        assertThat(all.remaining()).isEqualTo(2);
        assertThat(bids()).isDeepEqualTo(new long[][] {{92, 1}});
        assertThat(q.order(bobs).status()).isEqualTo(OrderStatus.ACTIVE);
    }

    @Test
    void clientOrderIdNamesAnActiveOrderAndMustBeUnique() {
        Tx.Place p = new Tx.Place("alice", 0, BTC, BUY, 90, 1, TimeInForce.GTC, "c1", SelfTradePrevention.CANCEL_RESTING);
        long id = f.one(p).orderId();
        assertThat(f.one(p).rejection().code()).isEqualTo(RejectCode.DUPLICATE_CLIENT_ORDER_ID);
        TxResult c = f.one(new Tx.Cancel("alice", 0, 0, "c1"));
        assertThat(c.orderId()).isEqualTo(id);
        assertThat(f.one(p).accepted()).as("reusable once the first is no longer active").isTrue();
    }

    @Test
    void orderBeyondMarginIsRejected() {
        // equity 1,000,000 at 10 % initial margin covers 10,000,000 of resting notional
        assertThat(f.one(gtc("alice", BUY, 100, 99_000)).accepted()).isTrue();
        assertThat(f.one(gtc("alice", BUY, 100, 1_001)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
    }

    @Test
    void aRestingOrderMayUseTheWholeEquityAsInitialMargin() {
        // Nothing trades as it is placed, so no fee is set aside: 10 % of 100 × 100,000 is exactly
        // the 1,000,000 deposited.
        assertThat(f.one(gtc("alice", BUY, 100, 100_000)).accepted()).isTrue();
        assertThat(f.one(gtc("alice", BUY, 100, 1)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(place("alice", SELL, 200, 100_000, TimeInForce.POST_ONLY)).rejection().code())
                .isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
    }

    @Test
    void aCrossingOrderMustAlsoCoverItsTakerFee() {
        f.one(gtc("bob", SELL, 100, 100_000));
        // It would trade as a taker and pay 5 bps out of the same equity: 99,000 needs 990,000 of
        // margin and 4,950 of fee; 99,600 would need 996,000 and 4,980.
        assertThat(f.one(gtc("alice", BUY, 100, 100_000)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(gtc("alice", BUY, 100, 99_600)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(gtc("alice", BUY, 100, 99_000)).accepted()).isTrue();
    }

    @Test
    void withdrawalKeepsTheMarginCheck() {
        f.one(gtc("alice", BUY, 100, 50_000));
        assertThat(f.one(new Tx.Withdraw("alice", 0, 600_000)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(f.one(new Tx.Withdraw("alice", 0, 400_000)).accepted()).isTrue();
        assertThat(f.one(new Tx.Withdraw("alice", 0, 700_000)).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_BALANCE);
    }

    @Test
    void badTickLotAndMinimumAreRejected() {
        f.one(new Tx.CreateMarket(null, 0, new io.dexnode.engine.schema.MarketParams(2, "ETH-USD", 5, 10, 20, 0, 0, 1000, 500)));
        Tx.Place base = new Tx.Place("alice", 0, 2, BUY, 100, 20, TimeInForce.GTC, null, SelfTradePrevention.ALLOW);
        assertThat(f.one(base).accepted()).isTrue();
        assertThat(f.one(new Tx.Place("alice", 0, 2, BUY, 101, 20, TimeInForce.GTC, null, SelfTradePrevention.ALLOW))
                .rejection().code()).isEqualTo(RejectCode.BAD_TICK);
        assertThat(f.one(new Tx.Place("alice", 0, 2, BUY, 100, 25, TimeInForce.GTC, null, SelfTradePrevention.ALLOW))
                .rejection().code()).isEqualTo(RejectCode.BAD_LOT);
        assertThat(f.one(new Tx.Place("alice", 0, 2, BUY, 100, 10, TimeInForce.GTC, null, SelfTradePrevention.ALLOW))
                .rejection().code()).isEqualTo(RejectCode.SIZE_TOO_SMALL);
        assertThat(f.one(new Tx.Place("alice", 0, 3, BUY, 100, 10, TimeInForce.GTC, null, SelfTradePrevention.ALLOW))
                .rejection().code()).isEqualTo(RejectCode.UNKNOWN_MARKET);
    }

    @Test
    void staleNonceIsRejectedAndAcceptedNonceIsRecorded() {
        assertThat(f.one(new Tx.Deposit("alice", 5, 1)).accepted()).isTrue();
        assertThat(f.one(new Tx.Deposit("alice", 5, 1)).rejection().code()).isEqualTo(RejectCode.STALE_NONCE);
        assertThat(f.one(new Tx.Deposit("alice", 6, 1)).accepted()).isTrue();
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(6);
    }

    @Test
    void overflowingOrderIsRejected() {
        assertThat(f.one(gtc("alice", BUY, Long.MAX_VALUE / 2, 4)).rejection().code()).isEqualTo(RejectCode.OVERFLOW);
    }

    @Test
    void rejectedTransactionInABlockLeavesTheOthersApplied() {
        BlockResult b = f.block(gtc("alice", BUY, 90, 1), cancel("bob", 999), gtc("bob", SELL, 95, 1));
        assertThat(b.results()).extracting(TxResult::accepted).containsExactly(true, false, true);
        assertThat(bids()).isDeepEqualTo(new long[][] {{90, 1}});
        assertThat(asks()).isDeepEqualTo(new long[][] {{95, 1}});
    }
}
