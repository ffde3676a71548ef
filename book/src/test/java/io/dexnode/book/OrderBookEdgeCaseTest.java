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

import io.dexnode.book.BookEvent.Done;
import io.dexnode.book.BookEvent.Rested;
import io.dexnode.book.BookEvent.Resting;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The edge cases of the book's rules: boundaries, refusals without side effects, and odd inputs. */
class OrderBookEdgeCaseTest extends BookRulesFixture {
    @Test
    void fillOrKillWithCancelRestingFillsFromLiquidityBehindOwnOrders() {
        gtc(1, ALICE, SELL, 100, 3);
        gtc(2, BOB, SELL, 100, 2);
        gtc(3, ALICE, SELL, 101, 4);
        gtc(4, CAROL, SELL, 101, 2);
        events.drain();
        book.place(5, ALICE, BUY, 101, 4, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                new Done(1, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 3),
                fill(2, BOB, 5, ALICE, BUY, 100, 2, 0, 2),
                new Done(2, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(3, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 4),
                fill(4, CAROL, 5, ALICE, BUY, 101, 2, 0, 0),
                new Done(4, CAROL, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(5, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.orderCount()).isZero();
        assertThat(book.levelCount(SELL)).isZero();
    }

    @ParameterizedTest
    @EnumSource(SelfTradePrevention.class)
    void fillOrKillRefusedForAnySelfTradeModeChangesNothing(SelfTradePrevention stp) {
        gtc(1, BOB, SELL, 100, 1);
        gtc(2, ALICE, SELL, 100, 2);
        gtc(3, CAROL, SELL, 101, 2);
        events.drain();
        List<Resting> before = l3();
        // ALLOW sees 5, CANCEL_RESTING 3, the others 1: 6 is never fillable.
        book.place(9, ALICE, BUY, 101, 6, FOK, stp, seq++);
        assertThat(events.drain()).containsExactly(new Done(9, ALICE, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, 6));
        assertThat(l3()).isEqualTo(before);
        assertThat(book.sizeAtPrice(SELL, 100)).isEqualTo(3);
    }

    @Test
    void fillOrKillWithCancelIncomingOrBothCountsNothingBehindTheOwnOrder() {
        gtc(1, BOB, SELL, 100, 1);
        gtc(2, ALICE, SELL, 100, 2);
        gtc(3, CAROL, SELL, 100, 5);
        events.drain();
        for (SelfTradePrevention stp : List.of(CANCEL_INCOMING, CANCEL_BOTH)) {
            book.place(10, ALICE, BUY, 100, 2, FOK, stp, seq++);
            assertThat(events.drain()).as("%s", stp)
                    .containsExactly(new Done(10, ALICE, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, 2));
        }
        book.place(11, ALICE, BUY, 100, 1, FOK, CANCEL_BOTH, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 11, ALICE, BUY, 100, 1, 0, 0),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(11, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(queue(SELL, 100)).containsExactly(2L, 3L);
    }

    @Test
    void fillOrKillOfExactlyTheAvailableSizeFillsAtTheLimitPrice() {
        gtc(1, BOB, SELL, 100, 2);
        gtc(2, BOB, SELL, 101, 3);
        events.drain();
        book.place(3, ALICE, BUY, 101, 5, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).last().isEqualTo(new Done(3, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.orderCount()).isZero();
    }

    @Test
    void postOnlyExactlyAtTheTouchIsRejectedOnBothSides() {
        gtc(1, BOB, SELL, 100, 1);
        gtc(2, BOB, BUY, 98, 1);
        events.drain();
        book.place(3, ALICE, BUY, 100, 1, POST_ONLY, CANCEL_RESTING, seq++);
        book.place(4, ALICE, SELL, 98, 1, POST_ONLY, CANCEL_RESTING, seq++);
        book.place(5, ALICE, BUY, 99, 1, POST_ONLY, CANCEL_RESTING, 50);
        book.place(6, ALICE, SELL, 99, 1, POST_ONLY, CANCEL_RESTING, 51);
        assertThat(events.drain()).containsExactly(
                new Done(3, ALICE, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, 1),
                new Done(4, ALICE, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, 1),
                new Rested(5, ALICE, BUY, 99, 1, 50),
                new Done(6, ALICE, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, 1));
    }

    @Test
    void postOnlyCrossingOnlyItsOwnOrdersIsStillRejected() {
        gtc(1, ALICE, SELL, 100, 1);
        events.drain();
        book.place(2, ALICE, BUY, 100, 1, POST_ONLY, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(new Done(2, ALICE, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, 1));
        assertThat(book.contains(1)).isTrue();
    }

    @Test
    void cancelBothAfterPartialFillsCancelsTheOwnMakerAndTheTakersRemainder() {
        gtc(1, BOB, SELL, 100, 2);
        gtc(2, CAROL, SELL, 100, 1);
        gtc(3, ALICE, SELL, 100, 4);
        gtc(4, BOB, SELL, 100, 5);
        events.drain();
        book.place(5, ALICE, BUY, 101, 10, GTC, CANCEL_BOTH, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 5, ALICE, BUY, 100, 2, 0, 8),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(2, CAROL, 5, ALICE, BUY, 100, 1, 0, 7),
                new Done(2, CAROL, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(3, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 4),
                new Done(5, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 7));
        assertThat(queue(SELL, 100)).containsExactly(4L);
        assertThat(book.sizeAtPrice(SELL, 100)).isEqualTo(5);
        assertThat(book.contains(5)).isFalse();
        assertThat(book.bestBid()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void cancelBothOnTheLastOrderOfALevelRemovesTheLevel() {
        gtc(1, BOB, SELL, 100, 2);
        gtc(2, ALICE, SELL, 100, 4);
        gtc(3, BOB, SELL, 101, 5);
        events.drain();
        book.place(5, ALICE, BUY, 101, 10, IOC, CANCEL_BOTH, seq++);
        assertThat(events.drain()).last().isEqualTo(new Done(5, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 8));
        assertThat(book.levelCount(SELL)).isEqualTo(1);
        assertThat(book.bestAsk()).isEqualTo(101);
        assertThat(book.sizeAtPrice(SELL, 100)).isZero();
    }

    @Test
    void amendToTheSamePriceAndSizeChangesNothing() {
        gtc(1, ALICE, BUY, 100, 5);
        gtc(2, BOB, BUY, 100, 5);
        events.drain();
        assertThat(book.amend(1, 100, 5, 99, CANCEL_RESTING)).isTrue();
        assertThat(events.drain()).isEmpty();
        assertThat(queue(BUY, 100)).containsExactly(1L, 2L);
        assertThat(book.prioritySeq(1)).isEqualTo(1);
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(10);
    }

    @Test
    void amendThatCrossesAndFillsCompletelyLeavesTheBook() {
        gtc(1, BOB, SELL, 101, 3);
        gtc(2, BOB, SELL, 102, 3);
        gtc(3, ALICE, BUY, 100, 4);
        events.drain();
        assertThat(book.amend(3, 102, 4, 70, CANCEL_RESTING)).isTrue();
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 3, ALICE, BUY, 101, 3, 0, 1),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(2, BOB, 3, ALICE, BUY, 102, 1, 2, 0),
                new Done(3, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.contains(3)).isFalse();
        assertThat(book.levelCount(BUY)).isZero();
        assertThat(book.orderCount()).isEqualTo(1);
        assertThat(book.depthLevels(SELL, 5)).isDeepEqualTo(new long[][] {{102, 2}});
    }

    @Test
    void amendThatCrossesIntoItsOwnOrderFollowsItsSelfTradeMode() {
        gtc(1, ALICE, SELL, 101, 3);
        gtc(2, ALICE, BUY, 100, 4);
        gtc(3, BOB, BUY, 100, 4);
        events.drain();
        assertThat(book.amend(2, 101, 4, 80, CANCEL_INCOMING)).isTrue();
        assertThat(events.drain()).containsExactly(new Done(2, ALICE, DoneStatus.CANCELLED, BookReason.SELF_TRADE, 4));
        assertThat(book.contains(2)).isFalse();
        assertThat(book.contains(1)).isTrue();
        assertThat(queue(BUY, 100)).containsExactly(3L);
        assertThat(book.orderCount()).isEqualTo(2);
    }

    @Test
    void reduceToZeroOrBelowOrOfAnUnknownIdIsRefusedWithoutEffect() {
        gtc(1, ALICE, BUY, 100, 5);
        events.drain();
        assertThat(book.reduce(1, 0)).isFalse();
        assertThat(book.reduce(1, -1)).isFalse();
        assertThat(book.reduce(1, Long.MIN_VALUE)).isFalse();
        assertThat(book.reduce(2, 1)).isFalse();
        assertThat(book.cancel(2)).isFalse();
        assertThat(events.drain()).isEmpty();
        assertThat(book.remaining(1)).isEqualTo(5);
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(5);
        assertThat(book.reduce(1, 1)).isTrue();
        assertThat(book.sizeAtPrice(BUY, 100)).isEqualTo(1);
    }

    @Test
    void aDuplicateIdIsRefusedForEveryKindOfOrderWithoutTouchingTheResting() {
        gtc(1, ALICE, BUY, 100, 5);
        gtc(2, BOB, SELL, 101, 5);
        events.drain();
        List<Resting> before = l3();
        book.place(2, CAROL, BUY, 101, 1, IOC, CANCEL_RESTING, seq++);
        book.place(2, CAROL, BUY, 101, 1, FOK, CANCEL_RESTING, seq++);
        book.place(1, CAROL, BUY, 99, 1, POST_ONLY, CANCEL_RESTING, seq++);
        book.placeMarket(1, CAROL, SELL, 1, 1, CANCEL_RESTING);
        assertThat(events.drain()).containsExactly(
                new Done(2, CAROL, DoneStatus.REJECTED, BookReason.DUPLICATE_ORDER_ID, 1),
                new Done(2, CAROL, DoneStatus.REJECTED, BookReason.DUPLICATE_ORDER_ID, 1),
                new Done(1, CAROL, DoneStatus.REJECTED, BookReason.DUPLICATE_ORDER_ID, 1),
                new Done(1, CAROL, DoneStatus.REJECTED, BookReason.DUPLICATE_ORDER_ID, 1));
        assertThat(l3()).isEqualTo(before);
    }

    @Test
    void anIdThatLeftTheBookMayBeUsedAgain() {
        gtc(1, ALICE, BUY, 100, 5);
        book.cancel(1);
        events.drain();
        gtc(1, BOB, SELL, 101, 2);
        assertThat(events.drain()).containsExactly(new Rested(1, BOB, SELL, 101, 2, seq - 1));
    }

    @Test
    void extremePricesAndSizesMatchWithoutOverflow() {
        gtc(1, BOB, SELL, Long.MAX_VALUE, Long.MAX_VALUE);
        gtc(2, CAROL, SELL, Long.MAX_VALUE, Long.MAX_VALUE);
        events.drain();
        assertThat(book.fillableSize(BUY, Long.MAX_VALUE, ALICE, CANCEL_RESTING, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        book.place(3, ALICE, BUY, Long.MAX_VALUE, Long.MAX_VALUE, FOK, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 3, ALICE, BUY, Long.MAX_VALUE, Long.MAX_VALUE, 0, 0),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(3, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.depthLevels(SELL, 1)).isDeepEqualTo(new long[][] {{Long.MAX_VALUE, Long.MAX_VALUE}});
        book.place(4, ALICE, BUY, Long.MAX_VALUE - 1, 1, POST_ONLY, CANCEL_RESTING, 9);
        assertThat(events.drain()).containsExactly(new Rested(4, ALICE, BUY, Long.MAX_VALUE - 1, 1, 9));
        book.place(5, ALICE, BUY, Long.MIN_VALUE, 1, GTC, CANCEL_RESTING, seq++);
        book.place(6, ALICE, BUY, 1, Long.MIN_VALUE, GTC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                new Done(5, ALICE, DoneStatus.REJECTED, BookReason.INVALID_PRICE, 1),
                new Done(6, ALICE, DoneStatus.REJECTED, BookReason.INVALID_SIZE, 0));
    }

    @Test
    void marketOrderTradesAtExactlyItsBoundAndStopsBeyondIt() {
        gtc(1, BOB, BUY, 100, 2);
        gtc(2, BOB, BUY, 99, 2);
        gtc(3, BOB, BUY, 98, 2);
        events.drain();
        book.placeMarket(4, ALICE, SELL, 10, 99, CANCEL_RESTING);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 4, ALICE, SELL, 100, 2, 0, 8),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(2, BOB, 4, ALICE, SELL, 99, 2, 0, 6),
                new Done(2, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                new Done(4, ALICE, DoneStatus.CANCELLED, BookReason.SLIPPAGE_LIMIT, 6));
        book.placeMarket(5, ALICE, SELL, 2, 98, CANCEL_RESTING);
        assertThat(events.drain()).last().isEqualTo(new Done(5, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.levelCount(BUY)).isZero();
    }

    @Test
    void marketOrderWhoseBestLevelIsAlreadyBeyondTheBoundTradesNothing() {
        gtc(1, BOB, SELL, 105, 2);
        events.drain();
        book.placeMarket(2, ALICE, BUY, 1, 104, ALLOW);
        assertThat(events.drain()).containsExactly(new Done(2, ALICE, DoneStatus.CANCELLED, BookReason.SLIPPAGE_LIMIT, 1));
        assertThat(book.remaining(1)).isEqualTo(2);
    }

    @Test
    void depthAndLevelQueriesFollowPartialFills() {
        gtc(1, BOB, SELL, 100, 5);
        gtc(2, CAROL, SELL, 100, 7);
        gtc(3, BOB, SELL, 101, 4);
        events.drain();
        book.place(4, ALICE, BUY, 100, 8, IOC, CANCEL_RESTING, seq++);
        assertThat(events.drain()).containsExactly(
                fill(1, BOB, 4, ALICE, BUY, 100, 5, 0, 3),
                new Done(1, BOB, DoneStatus.FILLED, BookReason.NONE, 0),
                fill(2, CAROL, 4, ALICE, BUY, 100, 3, 4, 0),
                new Done(4, ALICE, DoneStatus.FILLED, BookReason.NONE, 0));
        assertThat(book.depthLevels(SELL, 10)).isDeepEqualTo(new long[][] {{100, 4}, {101, 4}});
        assertThat(book.depthLevels(SELL, 1)).isDeepEqualTo(new long[][] {{100, 4}});
        assertThat(book.depthLevels(BUY, 10)).isEmpty();
        assertThat(queue(SELL, 100)).containsExactly(2L);
        assertThat(book.orderCount()).isEqualTo(2);
        assertThat(book.levelCount(SELL)).isEqualTo(2);
    }

    @Test
    void depthForZeroOrNegativeLevelsIsEmpty() {
        gtc(1, BOB, SELL, 100, 5);
        assertThat(book.depthLevels(SELL, 0)).isEmpty();
        assertThat(book.depthLevels(SELL, -1)).isEmpty();
        assertThat(book.depth(SELL, -1, new long[2], new long[2])).isZero();
    }

    @Test
    void fullWalkIsBestToWorstPerSideInQueueOrder() {
        gtc(1, ALICE, BUY, 99, 1);
        gtc(2, BOB, BUY, 100, 2);
        gtc(3, CAROL, SELL, 102, 3);
        gtc(4, ALICE, SELL, 101, 4);
        gtc(5, BOB, BUY, 99, 5);
        gtc(6, CAROL, SELL, 101, 6);
        assertThat(book.amend(1, 99, 7, 20, CANCEL_RESTING)).isTrue();
        assertThat(l3()).containsExactly(
                new Resting(2, BOB, BUY, 100, 2, 2),
                new Resting(5, BOB, BUY, 99, 5, 5),
                new Resting(1, ALICE, BUY, 99, 7, 20),
                new Resting(4, ALICE, SELL, 101, 4, 4),
                new Resting(6, CAROL, SELL, 101, 6, 6),
                new Resting(3, CAROL, SELL, 102, 3, 3));
    }

    @Test
    void placeQueuesALevelByPrioritySequenceAsRecoveryWould() {
        book.place(1, ALICE, BUY, 100, 1, GTC, CANCEL_RESTING, 30);
        book.place(2, BOB, BUY, 100, 1, GTC, CANCEL_RESTING, 10);
        book.place(3, CAROL, BUY, 100, 1, POST_ONLY, CANCEL_RESTING, 20);
        book.place(4, CAROL, BUY, 100, 1, GTC, CANCEL_RESTING, 20);
        assertThat(queue(BUY, 100)).containsExactly(2L, 3L, 4L, 1L);
        OrderBook recovered = new OrderBook(BookListener.NONE);
        recovered.restore(1, ALICE, BUY, 100, 1, 30);
        recovered.restore(2, BOB, BUY, 100, 1, 10);
        recovered.restore(3, CAROL, BUY, 100, 1, 20);
        recovered.restore(4, CAROL, BUY, 100, 1, 20);
        assertThat(l3()).isEqualTo(OrderBookRandomizedTest.l3(recovered));
        events.drain();
        book.place(5, ALICE, SELL, 100, 1, IOC, CANCEL_RESTING, 40);
        assertThat(events.drain()).first().isEqualTo(fill(2, BOB, 5, ALICE, SELL, 100, 1, 0, 0));
    }
}
