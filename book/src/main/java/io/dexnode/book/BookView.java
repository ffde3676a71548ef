package io.dexnode.book;

/**
 * The read side of one market's book: prices, sizes, depth and the resting orders, and nothing
 * that changes them. What the node, the snapshot writer and consistency checks see of a book;
 * only the engine's execution holds the {@link OrderBook} itself.
 *
 * <p>Not thread-safe, like the book behind it: read it on the thread that owns the book.
 */
public interface BookView {
    /** The best bid price, or Long.MIN_VALUE if there are no bids. */
    long bestBid();

    /** The best ask price, or Long.MAX_VALUE if there are no asks. */
    long bestAsk();

    int orderCount();

    int levelCount(Side side);

    boolean contains(long orderId);

    /** The remaining size of a resting order, 0 if unknown. */
    long remaining(long orderId);

    /** The price of a resting order, 0 if unknown. */
    long price(long orderId);

    /** The side of a resting order, null if unknown. */
    Side side(long orderId);

    /** The owner of a resting order, 0 if unknown. */
    long owner(long orderId);

    /** The priority sequence of a resting order, 0 if unknown. */
    long prioritySeq(long orderId);

    /** Up to {@code maxLevels} aggregated levels of one side, best first, as {@code [price, size]} pairs. */
    long[][] depthLevels(Side side, int maxLevels);

    /** Up to maxLevels aggregated levels of one side, best first, into prices[i]/sizes[i]; returns the count written. */
    int depth(Side side, int maxLevels, long[] prices, long[] sizes);

    /** The total remaining size at one price of one side, 0 if there is no level. */
    long sizeAtPrice(Side side, long price);

    /** Orders of one level in queue order; nothing if there is no such level. */
    void forEachOrderAtLevel(Side side, long price, OrderVisitor visitor);

    /** Full L3 walk: bids best-to-worst then asks best-to-worst, each level in queue order. */
    void forEachOrder(OrderVisitor visitor);

    /** Liquidity a taker of {@code takerSide} would find up to {@code limitPrice}, as {@link OrderBook#fillableSize}. */
    long fillableSize(Side takerSide, long limitPrice, long owner, SelfTradePrevention stp, long wanted);
}
