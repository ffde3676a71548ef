package io.dexnode.book;

/**
 * Why an order ended without (fully) filling, or why a command was refused. One enum, so the
 * engine maps every outcome of the book in one switch.
 */
public enum BookReason {
    /** Filled. */
    NONE,
    /** Cancelled by {@link OrderBook#cancel(long)}. */
    CANCELLED_BY_USER,
    /** IOC or market taker remainder cancelled: no more liquidity within its limit. */
    IOC_REMAINDER,
    /** A market taker hit its slippage bound; the remainder was cancelled. */
    SLIPPAGE_LIMIT,
    /** Cancelled by self-trade prevention. */
    SELF_TRADE,
    /** Rejected: not enough liquidity for fill-or-kill; nothing happened. */
    FOK_NOT_FILLABLE,
    /** Rejected: a post-only order would have taken. */
    POST_ONLY_WOULD_CROSS,
    /** Rejected: price is not positive. */
    INVALID_PRICE,
    /** Rejected: size is not positive. */
    INVALID_SIZE,
    /** Rejected: the order id already rests in the book. */
    DUPLICATE_ORDER_ID,
    /** The order id does not rest in the book. */
    UNKNOWN_ORDER,
    /** A reduce that does not lower the remaining size to a positive value. */
    INVALID_REDUCE,
    /**
     * Cancelled because its account was liquidated. The book itself never gives this reason: the
     * engine's risk pass cancels a liquidated account's orders and says why.
     */
    LIQUIDATION
}
