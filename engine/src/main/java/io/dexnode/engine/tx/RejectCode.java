package io.dexnode.engine.tx;

/**
 * Every reason a transaction or request is refused (DESIGN.md §8). The one place rejection codes
 * are defined; how each is answered over HTTP (status and public name) is the node's table.
 */
public enum RejectCode {
    MALFORMED,
    BAD_SIGNATURE,
    NOT_OWNER,
    NOT_ALLOWED,
    /** A signed payload names another chain ({@code "chainId"}), or none where the chain requires it. */
    WRONG_CHAIN,
    UNKNOWN_MARKET,
    UNKNOWN_ORDER,
    UNKNOWN_ACCOUNT,
    STALE_NONCE,
    TOO_LARGE,
    MARKET_EXISTS,
    INVALID_MARKET,
    INVALID_AMOUNT,
    BAD_PRICE,
    BAD_SIZE,
    BAD_TICK,
    BAD_LOT,
    SIZE_TOO_SMALL,
    DUPLICATE_CLIENT_ORDER_ID,
    ORDER_NOT_ACTIVE,
    INSUFFICIENT_MARGIN,
    INSUFFICIENT_BALANCE,
    POST_ONLY_WOULD_CROSS,
    FOK_NOT_FILLABLE,
    /** The account already has its market's most resting orders (MarketParams.maxOpenOrders). */
    TOO_MANY_ORDERS,
    OVERFLOW,
    OVERLOADED,
    /** A write reached a cluster replica that does not lead, and no leader is known to forward it to. */
    NOT_LEADER
}
