package io.dexnode.book;

import static io.dexnode.book.SelfTradePrevention.ALLOW;
import static io.dexnode.book.SelfTradePrevention.CANCEL_BOTH;
import static io.dexnode.book.SelfTradePrevention.CANCEL_INCOMING;
import static io.dexnode.book.SelfTradePrevention.CANCEL_RESTING;
import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.book.TimeInForce.FOK;
import static io.dexnode.book.TimeInForce.GTC;
import static io.dexnode.book.TimeInForce.IOC;
import static io.dexnode.book.TimeInForce.POST_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.book.BookEvent.Done;
import io.dexnode.book.BookEvent.Rested;
import io.dexnode.book.BookEvent.Resting;
import org.junit.jupiter.api.Test;

/** One test per rule of the book; each names the rule it checks. */
class OrderBookTest extends BookRulesFixture {
    @Test
    void ordersAtOneLevelFillFirstInFirstOut() {
        gtc(1, ALICE, SELL, 100, 5);
        gtc(2, BOB, SELL, 100, 5);
        gtc(3, CAROL, SELL, 100, 5);
        events.drain();
        book.place(10, 9, BUY, 100, 7, IOC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, ALICE, 10, 9, BUY, 100, 5, 0, 2),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(2, BOB, 10, 9, BUY, 100, 2, 3, 0),
                new Done(10, 9, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(queue(SELL, 100)).containsExactly(2L, 3L);
    }

    @Test
    void partiallyFilledMakerKeepsItsPlace() {
        gtc(1, ALICE, BUY, 100, 10);
        gtc(2, BOB, BUY, 100, 10);
        book.place(3, CAROL, SELL, 100, 4, IOC, CANCEL_RESTING, seq++);
        assertThat(queue(BUY, 100)).containsExactly(1L, 2L);
        assertThat(book.remaining(1)).isEqualTo(6);
        assertThat(book.prioritySeq(1)).isEqualTo(1);
    }

    @Test
    void takerSweepsLevelsBestFirstAtTheMakersPrices() {
        gtc(1, ALICE, SELL, 102, 1);
        gtc(2, ALICE, SELL, 100, 1);
        gtc(3, ALICE, SELL, 101, 1);
        events.drain();
        book.place(4, BOB, BUY, 105, 5, GTC, CANCEL_RESTING, seq);
        assertThat(events.drain()).containsExactly(
                fill(2, ALICE, 4, BOB, BUY, 100, 1, 0, 4),
                new Done(2, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(3, ALICE, 4, BOB, BUY, 101, 1, 0, 3),
                new Done(3, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(1, ALICE, 4, BOB, BUY, 102, 1, 0, 2),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                new Rested(4, BOB, BUY, 105, 2, seq));
        assertThat(book.bestBid()).isEqualTo(105);
        assertThat(book.bestAsk()).isEqualTo(Long.MAX_VALUE);
        assertThat(book.levelCount(SELL)).isZero();
    }

    @Test
    void takerStopsAtItsLimitAndGtcRestsTheRemainder() {
        gtc(1, ALICE, SELL, 100, 2);
        gtc(2, ALICE, SELL, 101, 2);
        events.drain();
        book.place(3, BOB, BUY, 100, 5, GTC, CANCEL_RESTING, 77);
        assertThat(events.drain()).containsExactly(
                fill(1, ALICE, 3, BOB, BUY, 100, 2, 0, 3),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                new Rested(3, BOB, BUY, 100, 3, 77));
        assertThat(book.bestAsk()).isEqualTo(101);
    }

    @Test
    void fillOrKillFillsCompletelyOrChangesNothing() {
        gtc(1, ALICE, SELL, 100, 3);
        gtc(2, BOB, SELL, 101, 3);
        events.drain();
        book.place(3, CAROL, BUY, 101, 7, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(3, CAROL, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, 7));
        assertThat(book.remaining(1)).isEqualTo(3);
        assertThat(book.remaining(2)).isEqualTo(3);

        book.place(4, CAROL, BUY, 101, 6, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).last().isEqualTo(new Done(4, CAROL, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.orderCount()).isZero();
    }

    @Test
    void fillOrKillCountsOnlyLiquidityWithinItsLimit() {
        gtc(1, ALICE, SELL, 100, 3);
        gtc(2, ALICE, SELL, 102, 3);
        events.drain();
        book.place(3, BOB, BUY, 101, 4, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(3, BOB, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, 4));
    }

    @Test
    void fillOrKillRejectedForSelfTradeDoesNotCancelOwnOrders() {
        gtc(1, ALICE, SELL, 100, 3);
        gtc(2, BOB, SELL, 100, 3);
        events.drain();
        // CANCEL_RESTING skips Alice's own 3: only 3 fillable, FOK of 5 is refused with no STP cancel.
        book.place(3, ALICE, BUY, 100, 5, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(3, ALICE, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, 5));
        assertThat(book.contains(1)).isTrue();
        // CANCEL_INCOMING counts only liquidity before Alice's first order: none.
        assertThat(book.fillableSize(BUY, 100, ALICE, CANCEL_INCOMING, 1)).isZero();
        assertThat(book.fillableSize(BUY, 100, ALICE, ALLOW, 100)).isEqualTo(6);
        assertThat(book.fillableSize(BUY, 100, ALICE, CANCEL_RESTING, 100)).isEqualTo(3);
        // A FOK that proceeds cancels the own orders it passes.
        book.place(4, ALICE, BUY, 100, 3, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 3),
                fill(2, BOB, 4, ALICE, BUY, 100, 3, 0, 0),
                new Done(2, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(4, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
    }

    @Test
    void postOnlyNeverTakes() {
        gtc(1, ALICE, SELL, 100, 3);
        events.drain();
        book.place(2, BOB, BUY, 100, 1, POST_ONLY, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(2, BOB, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, 1));
        assertThat(book.remaining(1)).isEqualTo(3);
        book.place(3, BOB, BUY, 99, 1, POST_ONLY, CANCEL_RESTING, 50);
        assertThat(events.drain()).containsExactly(new Rested(3, BOB, BUY, 99, 1, 50));
    }

    @Test
    void immediateOrCancelNeverRests() {
        gtc(1, ALICE, SELL, 100, 2);
        events.drain();
        book.place(2, BOB, BUY, 100, 5, IOC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).last().isEqualTo(new Done(2, BOB, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, 3));
        book.place(3, BOB, BUY, 90, 5, IOC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(3, BOB, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, 5));
        assertThat(book.orderCount()).isZero();
    }

    @Test
    void selfTradeCancelRestingCancelsTheOwnMakerAndKeepsMatching() {
        gtc(1, ALICE, SELL, 100, 2);
        gtc(2, BOB, SELL, 100, 2);
        events.drain();
        book.place(3, ALICE, BUY, 100, 2, GTC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 2),
                fill(2, BOB, 3, ALICE, BUY, 100, 2, 0, 0),
                new Done(2, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(3, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
    }

    @Test
    void selfTradeCancelIncomingEndsTheTakerAndKeepsTheMaker() {
        gtc(1, BOB, SELL, 100, 1);
        gtc(2, ALICE, SELL, 100, 2);
        gtc(3, BOB, SELL, 100, 2);
        events.drain();
        book.place(4, ALICE, BUY, 100, 5, GTC, CANCEL_INCOMING, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 4, ALICE, BUY, 100, 1, 0, 4),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(4, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 4));
        assertThat(queue(SELL, 100)).containsExactly(2L, 3L);
        assertThat(book.contains(4)).isFalse();
    }

    @Test
    void selfTradeCancelBothCancelsMakerAndTaker() {
        gtc(1, ALICE, SELL, 100, 2);
        gtc(2, BOB, SELL, 100, 2);
        events.drain();
        book.place(3, ALICE, BUY, 100, 5, GTC, CANCEL_BOTH, seq++);
        assertThat(events.drain()).containsExactly(
                new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 2),
                new Done(3, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 5));
        assertThat(queue(SELL, 100)).containsExactly(2L);
    }

    @Test
    void selfTradeAllowTradesWithItself() {
        gtc(1, ALICE, SELL, 100, 2);
        events.drain();
        book.place(2, ALICE, BUY, 100, 2, IOC, ALLOW, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, ALICE, 2, ALICE, BUY, 100, 2, 0, 0),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(2, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
    }

    @Test
    void nullSelfTradePreventionMeansCancelResting() {
        gtc(1, ALICE, SELL, 100, 2);
        events.drain();
        book.place(2, ALICE, BUY, 100, 2, IOC, null, seq++);
        assertThat(events.drain()).first().isEqualTo(new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 2));
    }

    @Test
    void reduceKeepsPriority() {
        gtc(1, ALICE, BUY, 100, 10);
        gtc(2, BOB, BUY, 100, 10);
        events.drain();
        assertThat(book.reduce(1, 4)).isTrue();
        assertThat(events.drain()).isEmpty();
        assertThat(queue(BUY, 100)).containsExactly(1L, 2L);
        assertThat(book.remaining(1)).isEqualTo(4);
        long[] prices = new long[1];
        long[] sizes = new long[1];
        book.depth(BUY, 1, prices, sizes);
        assertThat(sizes[0]).isEqualTo(14);
    }

    @Test
    void reduceRefusesSizesThatAreNotLower() {
        gtc(1, ALICE, BUY, 100, 10);
        assertThat(book.reduce(1, 10)).isFalse();
        assertThat(book.reduce(1, 11)).isFalse();
        assertThat(book.reduce(1, 0)).isFalse();
        assertThat(book.reduce(99, 1)).isFalse();
        assertThat(book.remaining(1)).isEqualTo(10);
    }

    @Test
    void amendToAnotherPriceLosesPriority() {
        gtc(1, ALICE, BUY, 100, 10);
        gtc(2, BOB, BUY, 100, 10);
        gtc(3, CAROL, BUY, 99, 10);
        events.drain();
        assertThat(book.amend(1, 99, 10, 40, CANCEL_RESTING)).isTrue();
        assertThat(events.drain()).containsExactly(new Rested(1, ALICE, BUY, 99, 10, 40));
        assertThat(queue(BUY, 99)).containsExactly(3L, 1L);
        assertThat(book.prioritySeq(1)).isEqualTo(40);
    }

    @Test
    void amendUpInSizeLosesPriorityAndDownKeepsIt() {
        gtc(1, ALICE, BUY, 100, 10);
        gtc(2, BOB, BUY, 100, 10);
        events.drain();
        assertThat(book.amend(1, 100, 8, 50, CANCEL_RESTING)).isTrue();
        assertThat(events.drain()).isEmpty();
        assertThat(queue(BUY, 100)).containsExactly(1L, 2L);
        assertThat(book.prioritySeq(1)).isEqualTo(1);
        assertThat(book.amend(1, 100, 12, 51, CANCEL_RESTING)).isTrue();
        assertThat(queue(BUY, 100)).containsExactly(2L, 1L);
        assertThat(book.remaining(1)).isEqualTo(12);
    }

    @Test
    void amendAcrossTheSpreadTradesAsATakerFirst() {
        gtc(1, ALICE, SELL, 101, 3);
        gtc(2, BOB, BUY, 100, 5);
        events.drain();
        assertThat(book.amend(2, 101, 5, 60, CANCEL_RESTING)).isTrue();
        assertThat(events.drain()).containsExactly(
                fill(1, ALICE, 2, BOB, BUY, 101, 3, 0, 2),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                new Rested(2, BOB, BUY, 101, 2, 60));
    }

    @Test
    void amendOfUnknownOrBadValuesIsRefused() {
        gtc(1, ALICE, BUY, 100, 10);
        events.drain();
        assertThat(book.amend(9, 100, 1, seq, CANCEL_RESTING)).isFalse();
        assertThat(book.amend(1, 0, 1, seq, CANCEL_RESTING)).isFalse();
        assertThat(book.amend(1, 100, 0, seq, CANCEL_RESTING)).isFalse();
        assertThat(events.drain()).isEmpty();
    }

    @Test
    void marketOrderStopsAtItsSlippageBound() {
        gtc(1, ALICE, SELL, 100, 2);
        gtc(2, ALICE, SELL, 105, 2);
        events.drain();
        book.placeMarket(3, BOB, BUY, 5, 104, CANCEL_RESTING);
        assertThat(events.drain()).containsExactly(
                fill(1, ALICE, 3, BOB, BUY, 100, 2, 0, 3),
                new Done(1, ALICE, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(3, BOB, DoneStatus.CANCELLED, BookReason.SLIPPAGE_LIMIT, 3));
        assertThat(book.contains(2)).isTrue();
    }

    @Test
    void marketOrderThatEmptiesTheBookEndsWithIocRemainder() {
        gtc(1, ALICE, BUY, 100, 2);
        events.drain();
        book.placeMarket(3, BOB, SELL, 5, 1, CANCEL_RESTING);
        assertThat(events.drain()).last().isEqualTo(new Done(3, BOB, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, 3));
        book.placeMarket(4, BOB, SELL, 5, 1, CANCEL_RESTING);
        assertThat(events.drain()).containsExactly(new Done(4, BOB, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, 5));
    }

    @Test
    void cancelledOrderLeavesTheBook() {
        gtc(1, ALICE, BUY, 100, 2);
        events.drain();
        assertThat(book.cancel(1)).isTrue();
        assertThat(events.drain()).containsExactly(new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.CANCELLED_BY_USER, 2));
        assertThat(book.contains(1)).isFalse();
        assertThat(book.levelCount(BUY)).isZero();
        assertThat(book.bestBid()).isEqualTo(Long.MIN_VALUE);
        assertThat(book.cancel(1)).isFalse();
        assertThat(events.drain()).isEmpty();
    }

    @Test
    void restoreQueuesALevelByPrioritySequence() {
        book.restore(1, ALICE, SELL, 100, 1, 30);
        book.restore(2, BOB, SELL, 100, 1, 10);
        book.restore(3, CAROL, SELL, 100, 1, 20);
        book.restore(4, CAROL, SELL, 100, 1, 40);
        book.restore(5, ALICE, BUY, 99, 1, 5);
        assertThat(events.drain()).isEmpty();
        assertThat(queue(SELL, 100)).containsExactly(2L, 3L, 1L, 4L);
        assertThat(OrderBookRandomizedTest.l3(book)).containsExactly(
                new Resting(5, ALICE, BUY, 99, 1, 5),
                new Resting(2, BOB, SELL, 100, 1, 10),
                new Resting(3, CAROL, SELL, 100, 1, 20),
                new Resting(1, ALICE, SELL, 100, 1, 30),
                new Resting(4, CAROL, SELL, 100, 1, 40));
    }

    @Test
    void restoreOfACrossingOrDuplicateOrderIsCorruption() {
        book.restore(1, ALICE, SELL, 100, 1, 1);
        assertThatThrownBy(() -> book.restore(2, BOB, BUY, 100, 1, 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> book.restore(1, BOB, SELL, 101, 1, 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> book.restore(3, BOB, SELL, 101, 0, 2)).isInstanceOf(IllegalStateException.class);
        assertThat(book.orderCount()).isEqualTo(1);
    }

    @Test
    void invalidInputIsRejectedWithAReason() {
        gtc(1, ALICE, BUY, 100, 2);
        events.drain();
        book.place(2, ALICE, BUY, 0, 2, GTC, CANCEL_RESTING, seq++);
        book.place(3, ALICE, BUY, 100, 0, GTC, CANCEL_RESTING, seq++);
        book.place(4, ALICE, BUY, 100, -5, IOC, CANCEL_RESTING, seq++);
        book.place(1, ALICE, SELL, 100, 2, GTC, CANCEL_RESTING, seq++);
        book.placeMarket(5, ALICE, SELL, 2, 0, CANCEL_RESTING);
        assertThat(events.drain()).containsExactly(
                new Done(2, ALICE, DoneStatus.REJECTED, BookReason.INVALID_PRICE, 2),
                new Done(3, ALICE, DoneStatus.REJECTED, BookReason.INVALID_SIZE, 0),
                new Done(4, ALICE, DoneStatus.REJECTED, BookReason.INVALID_SIZE, 0),
                new Done(1, ALICE, DoneStatus.REJECTED, BookReason.DUPLICATE_ORDER_ID, 2),
                new Done(5, ALICE, DoneStatus.REJECTED, BookReason.INVALID_PRICE, 2));
        assertThat(book.orderCount()).isEqualTo(1);
        assertThat(book.remaining(1)).isEqualTo(2);
    }

    @Test
    void unknownOrdersAnswerNeutralValues() {
        assertThat(book.remaining(7)).isZero();
        assertThat(book.price(7)).isZero();
        assertThat(book.owner(7)).isZero();
        assertThat(book.prioritySeq(7)).isZero();
        assertThat(book.side(7)).isNull();
        assertThat(book.contains(7)).isFalse();
    }

    @Test
    void depthAggregatesLevelsBestFirst() {
        gtc(1, ALICE, BUY, 99, 1);
        gtc(2, ALICE, BUY, 100, 2);
        gtc(3, BOB, BUY, 100, 3);
        gtc(4, ALICE, BUY, 98, 4);
        gtc(5, ALICE, SELL, 101, 5);
        long[] prices = new long[2];
        long[] sizes = new long[2];
        assertThat(book.depth(BUY, 5, prices, sizes)).isEqualTo(2);
        assertThat(prices).containsExactly(100, 99);
        assertThat(sizes).containsExactly(5, 1);
        assertThat(book.depth(SELL, 5, prices, sizes)).isEqualTo(1);
        assertThat(book.sizeAtPrice(BUY, 98)).isEqualTo(4);
        assertThat(book.levelCount(BUY)).isEqualTo(3);
    }

    @Test
    void levelTotalsSaturateInsteadOfOverflowing() {
        gtc(1, ALICE, BUY, 100, Long.MAX_VALUE);
        gtc(2, BOB, BUY, 100, Long.MAX_VALUE);
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(Long.MAX_VALUE);
        book.cancel(1);
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(Long.MAX_VALUE);
        book.reduce(2, 7);
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(7);
    }

    @Test
    void clearEmptiesTheBookWithoutEvents() {
        gtc(1, ALICE, BUY, 100, 1);
        gtc(2, ALICE, SELL, 101, 1);
        events.drain();
        book.clear();
        assertThat(events.drain()).isEmpty();
        assertThat(book.orderCount()).isZero();
        assertThat(book.levelCount(BUY)).isZero();
        assertThat(book.levelCount(SELL)).isZero();
        gtc(1, ALICE, BUY, 100, 1);
        assertThat(book.contains(1)).isTrue();
    }

    @Test
    void levelsAnywhereInTheLongRangeStayOrderedAndFreeTheirIndexNodes() {
        long[] prices = {1, 63, 64, 4095, 4096, 262_143, 1L << 40, (1L << 40) + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (int i = 0; i < prices.length; i++) {
            gtc(i + 1, ALICE, BUY, prices[i], 1);
        }
        long[] out = new long[prices.length];
        long[] sizes = new long[prices.length];
        assertThat(book.depth(BUY, prices.length, out, sizes)).isEqualTo(prices.length);
        assertThat(out).containsExactly(Long.MAX_VALUE, Long.MAX_VALUE - 1, (1L << 40) + 1, 1L << 40,
                262_143, 4096, 4095, 64, 63, 1);
        for (int i = 0; i < prices.length; i++) {
            book.cancel(i + 1);
        }
        assertThat(book.levelCount(BUY)).isZero();
        assertThat(book.indexNodes(BUY)).isEqualTo(1);
        gtc(100, BOB, SELL, 5, 1);
        assertThat(book.bestAsk()).isEqualTo(5);
    }

    @Test
    void manyLevelsPlacedInAnyOrderKeepPriceOrder() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            gtc(i, ALICE, SELL, 1 + rnd.nextLong(1_000_000), 1);
        }
        long[] prices = new long[20_000];
        long[] sizes = new long[20_000];
        int n = book.depth(SELL, prices.length, prices, sizes);
        assertThat(n).isEqualTo(book.levelCount(SELL));
        assertThat(java.util.Arrays.copyOf(prices, n)).isSorted();
        assertThat(book.bestAsk()).isEqualTo(prices[0]);
    }
}
