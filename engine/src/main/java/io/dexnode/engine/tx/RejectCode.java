package io.dexnode.engine.tx;

/**
 * Every reason a transaction or request is refused, with the HTTP status that says which kind
 * (DESIGN.md §8). The one place rejection codes are defined.
 */
public enum RejectCode {
    MALFORMED(400),
    BAD_SIGNATURE(401),
    NOT_OWNER(403),
    NOT_ALLOWED(403),
    /** A signed payload names another chain ({@code "chainId"}), or none where the chain requires it. */
    WRONG_CHAIN(403),
    UNKNOWN_MARKET(404),
    UNKNOWN_ORDER(404),
    UNKNOWN_ACCOUNT(404),
    STALE_NONCE(409),
    TOO_LARGE(413),
    MARKET_EXISTS(422),
    INVALID_MARKET(422),
    INVALID_AMOUNT(422),
    BAD_PRICE(422),
    BAD_SIZE(422),
    BAD_TICK(422),
    BAD_LOT(422),
    SIZE_TOO_SMALL(422),
    DUPLICATE_CLIENT_ORDER_ID(422),
    ORDER_NOT_ACTIVE(422),
    INSUFFICIENT_MARGIN(422),
    INSUFFICIENT_BALANCE(422),
    POST_ONLY_WOULD_CROSS(422),
    FOK_NOT_FILLABLE(422),
    /** The account already has its market's most resting orders (MarketParams.maxOpenOrders). */
    TOO_MANY_ORDERS(422),
    OVERFLOW(422),
    OVERLOADED(503);

    private final int httpStatus;

    RejectCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The lowercase code used in JSON. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
