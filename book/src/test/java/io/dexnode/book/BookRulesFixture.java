package io.dexnode.book;

import static io.dexnode.book.SelfTradePrevention.CANCEL_RESTING;
import static io.dexnode.book.TimeInForce.GTC;

import io.dexnode.book.BookEvent.Fill;
import io.dexnode.book.BookEvent.Resting;
import java.util.ArrayList;
import java.util.List;

/** What the book's rule tests share: three owners, a book recording its events, a sequence counter. */
abstract class BookRulesFixture {
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;

    final RecordingListener events = new RecordingListener();
    final OrderBook book = new OrderBook(events);
    long seq = 1;

    /** A GTC order with the default self-trade mode and the next sequence. */
    void gtc(long id, long owner, Side side, long price, long size) {
        book.place(id, owner, side, price, size, GTC, CANCEL_RESTING, seq++);
    }

    /** The ids queued at one level, in queue order. */
    List<Long> queue(Side side, long price) {
        List<Long> ids = new ArrayList<>();
        book.forEachOrderAtLevel(side, price, (id, owner, s, p, remaining, prioritySeq) -> ids.add(id));
        return ids;
    }

    /** The full walk, best to worst, in priority order. */
    List<Resting> l3() {
        return OrderBookRandomizedTest.l3(book);
    }

    static Fill fill(long maker, long makerOwner, long taker, long takerOwner, Side takerSide,
                     long price, long size, long makerRemaining, long takerRemaining) {
        return new Fill(maker, makerOwner, taker, takerOwner, takerSide, price, size, makerRemaining, takerRemaining);
    }
}
