package io.dexnode.engine.risk;

/**
 * The mark price, which margin checks and the risk pass value positions at: the median of the
 * reference price, the best bid and the best ask. The reference is the oracle's index price once
 * it has set one, and until then the market's last trade price. A one-sided or empty book does not
 * bracket the price, so then the mark is the reference itself (a lone order on an empty side must
 * not set it). With a two-sided book the median is the reference clamped into [best bid, best ask]:
 * a trade far from the book moves neither side of it, so it cannot move the mark past the book.
 * With no reference at all (no index, no trade yet) there is no mark (0): no position can exist then.
 */
public final class MarkPrice {
    /** The best bid of an empty bid side, as the book gives it. */
    public static final long NO_BID = Long.MIN_VALUE;
    /** The best ask of an empty ask side, as the book gives it. */
    public static final long NO_ASK = Long.MAX_VALUE;

    private MarkPrice() {
    }

    /** The index price once the oracle has set one, else the last trade price; 0 when neither exists. */
    public static long reference(long indexPrice, long lastPrice) {
        return indexPrice > 0 ? indexPrice : lastPrice;
    }

    /** The mark for a reference and a book's best prices ({@link #NO_BID} / {@link #NO_ASK} for an empty side). */
    public static long of(long reference, long bestBid, long bestAsk) {
        if (reference <= 0) {
            return 0;
        }
        if (bestBid == NO_BID || bestAsk == NO_ASK) {
            return reference;
        }
        return Math.max(bestBid, Math.min(reference, bestAsk));
    }
}
