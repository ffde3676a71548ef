package io.dexnode.book;

/** The side of an order: a buyer bids, a seller asks. A taker matches against the opposite side. */
public enum Side {
    BUY, SELL;

    /** The side a taker of this side matches against. */
    public Side opposite() {
        return this == BUY ? SELL : BUY;
    }
}
