package io.dexnode.book;

/**
 * Receives the events of every command, synchronously and in order. The arguments are
 * primitives so that the book allocates nothing per event; the engine turns them into state
 * changes. Within one command, for each maker touched in priority order, the book emits either
 * the maker's self-trade {@code onDone} or {@code onFill} (then the maker's {@code onDone FILLED}
 * if it filled completely); then the taker's {@code onRested} or {@code onDone}.
 */
public interface BookListener {
    /** A trade: taker hit maker at maker's price. Called once per maker touched. */
    void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                long price, long size, long makerRemaining, long takerRemaining);

    /** The (remaining part of the) order now rests in the book at price with remaining size. */
    void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq);

    /** The order left the book / ended / was refused. remaining = size that did not fill. */
    void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining);

    /** A listener that ignores everything (benchmarks, recovery checks). */
    BookListener NONE = new BookListener() {
        @Override
        public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                           long price, long size, long makerRemaining, long takerRemaining) {
        }

        @Override
        public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        }

        @Override
        public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
        }
    };
}
