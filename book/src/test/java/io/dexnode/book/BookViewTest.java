package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A book's read-only view answers as the book does, follows its changes, and is not the book. */
class BookViewTest {

    @Test
    void theViewAnswersEveryQueryAsTheBookDoesAndFollowsItsChanges() {
        OrderBook book = new OrderBook(new RecordingListener());
        BookView view = book.view();
        book.place(1, 10, Side.BUY, 99, 4, TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING, 1);
        book.place(2, 11, Side.SELL, 101, 3, TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING, 2);
        book.place(3, 12, Side.BUY, 99, 2, TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING, 3);
        for (BookView v : List.<BookView>of(book, view)) {
            assertThat(v.bestBid()).isEqualTo(99);
            assertThat(v.bestAsk()).isEqualTo(101);
            assertThat(v.orderCount()).isEqualTo(3);
            assertThat(v.levelCount(Side.BUY)).isEqualTo(1);
            assertThat(v.contains(3)).isTrue();
            assertThat(v.remaining(1)).isEqualTo(4);
            assertThat(v.price(2)).isEqualTo(101);
            assertThat(v.side(2)).isEqualTo(Side.SELL);
            assertThat(v.owner(3)).isEqualTo(12);
            assertThat(v.prioritySeq(3)).isEqualTo(3);
            assertThat(v.depthLevels(Side.BUY, 5)).isDeepEqualTo(new long[][] {{99, 6}});
            assertThat(v.sizeAtPrice(Side.SELL, 101)).isEqualTo(3);
            assertThat(v.fillableSize(Side.SELL, 99, 99, SelfTradePrevention.CANCEL_RESTING, 10)).isEqualTo(6);
            List<Long> queue = new ArrayList<>();
            v.forEachOrderAtLevel(Side.BUY, 99, (id, owner, side, price, remaining, seq) -> queue.add(id));
            assertThat(queue).containsExactly(1L, 3L);
        }
        book.cancel(1);
        assertThat(view.orderCount()).isEqualTo(2);
        assertThat(view.contains(1)).isFalse();
    }

    @Test
    void theViewCannotBeCastBackToTheMutableBook() {
        BookView view = new OrderBook(new RecordingListener()).view();
        assertThat(view).isNotInstanceOf(OrderBook.class);
    }
}
