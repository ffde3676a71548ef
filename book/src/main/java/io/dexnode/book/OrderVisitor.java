package io.dexnode.book;

/** Visits resting orders (one level, or the full L3 walk) without allocating a view per order. */
@FunctionalInterface
public interface OrderVisitor {
    void visit(long orderId, long owner, Side side, long price, long remaining, long prioritySeq);
}
