package io.dexnode.book;

/**
 * One market's limit order book: price-time priority, matching, and the queries the engine and
 * the snapshot writer need. (API skeleton; the implementation follows.)
 */
public final class OrderBook {
    private final BookListener listener;

    public OrderBook(BookListener listener) {
        this(listener, 1024);
    }

    public OrderBook(BookListener listener, int expectedOrders) {
        this.listener = listener;
    }

    public void place(long orderId, long owner, Side side, long price, long size,
                      TimeInForce tif, SelfTradePrevention stp, long prioritySeq) {
        throw new UnsupportedOperationException();
    }

    public void placeMarket(long orderId, long owner, Side side, long size, long worstPrice,
                            SelfTradePrevention stp) {
        throw new UnsupportedOperationException();
    }

    public boolean cancel(long orderId) {
        throw new UnsupportedOperationException();
    }

    public boolean reduce(long orderId, long newRemaining) {
        throw new UnsupportedOperationException();
    }

    public boolean amend(long orderId, long newPrice, long newRemaining, long newPrioritySeq,
                         SelfTradePrevention stp) {
        throw new UnsupportedOperationException();
    }

    public void restore(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        throw new UnsupportedOperationException();
    }

    public void clear() {
        throw new UnsupportedOperationException();
    }

    public long bestBid() {
        throw new UnsupportedOperationException();
    }

    public long bestAsk() {
        throw new UnsupportedOperationException();
    }

    public int orderCount() {
        throw new UnsupportedOperationException();
    }

    public int levelCount(Side side) {
        throw new UnsupportedOperationException();
    }

    public boolean contains(long orderId) {
        throw new UnsupportedOperationException();
    }

    public long remaining(long orderId) {
        throw new UnsupportedOperationException();
    }

    public long price(long orderId) {
        throw new UnsupportedOperationException();
    }

    public Side side(long orderId) {
        throw new UnsupportedOperationException();
    }

    public long owner(long orderId) {
        throw new UnsupportedOperationException();
    }

    public long prioritySeq(long orderId) {
        throw new UnsupportedOperationException();
    }

    public int depth(Side side, int maxLevels, long[] prices, long[] sizes) {
        throw new UnsupportedOperationException();
    }

    public void forEachOrderAtLevel(Side side, long price, OrderVisitor visitor) {
        throw new UnsupportedOperationException();
    }

    public void forEachOrder(OrderVisitor visitor) {
        throw new UnsupportedOperationException();
    }

    public long fillableSize(Side takerSide, long limitPrice, long owner, SelfTradePrevention stp, long wanted) {
        throw new UnsupportedOperationException();
    }
}
