package io.dexnode.book;

/** How an order ended: the engine sets the order's persistent status from it. */
public enum DoneStatus {
    FILLED, CANCELLED, REJECTED
}
