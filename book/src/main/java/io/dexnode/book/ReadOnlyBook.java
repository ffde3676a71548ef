package io.dexnode.book;

/**
 * A {@link BookView} that forwards to a book and exposes nothing else: handed out where a caller
 * must not be able to cast its way back to the mutable {@link OrderBook}.
 */
final class ReadOnlyBook implements BookView {
    private final OrderBook book;

    ReadOnlyBook(OrderBook book) {
        this.book = book;
    }

    @Override
    public long bestBid() {
        return book.bestBid();
    }

    @Override
    public long bestAsk() {
        return book.bestAsk();
    }

    @Override
    public int orderCount() {
        return book.orderCount();
    }

    @Override
    public int levelCount(Side side) {
        return book.levelCount(side);
    }

    @Override
    public boolean contains(long orderId) {
        return book.contains(orderId);
    }

    @Override
    public long remaining(long orderId) {
        return book.remaining(orderId);
    }

    @Override
    public long price(long orderId) {
        return book.price(orderId);
    }

    @Override
    public Side side(long orderId) {
        return book.side(orderId);
    }

    @Override
    public long owner(long orderId) {
        return book.owner(orderId);
    }

    @Override
    public long prioritySeq(long orderId) {
        return book.prioritySeq(orderId);
    }

    @Override
    public long[][] depthLevels(Side side, int maxLevels) {
        return book.depthLevels(side, maxLevels);
    }

    @Override
    public int depth(Side side, int maxLevels, long[] prices, long[] sizes) {
        return book.depth(side, maxLevels, prices, sizes);
    }

    @Override
    public long sizeAtPrice(Side side, long price) {
        return book.sizeAtPrice(side, price);
    }

    @Override
    public void forEachOrderAtLevel(Side side, long price, OrderVisitor visitor) {
        book.forEachOrderAtLevel(side, price, visitor);
    }

    @Override
    public void forEachOrder(OrderVisitor visitor) {
        book.forEachOrder(visitor);
    }

    @Override
    public long fillableSize(Side takerSide, long limitPrice, long owner, SelfTradePrevention stp, long wanted) {
        return book.fillableSize(takerSide, limitPrice, owner, stp, wanted);
    }
}
