package io.dexnode.node.api;

import io.dexnode.book.BookReason;
import io.dexnode.engine.tx.RejectCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the engine's codes are spelled to clients, in one place each: every rejection code's HTTP
 * status and public name (the {@code "code"} of an error answer and the {@code code} label of
 * {@code dexnode_rejections_total}), and every reason a book gives for ending an order, as the
 * {@code "reason"} of an order update. These strings are the public API (docs/API.md): an entry
 * changes only on purpose. A constant without an entry fails here, when the class loads.
 */
public final class ApiCodes {
    /** A rejection code as the API answers it. */
    private record Answer(int httpStatus, String name) {
    }

    private static final Map<RejectCode, Answer> REJECTIONS = complete(RejectCode.class, Map.ofEntries(
            Map.entry(RejectCode.MALFORMED, new Answer(400, "malformed")),
            Map.entry(RejectCode.BAD_SIGNATURE, new Answer(401, "bad_signature")),
            Map.entry(RejectCode.NOT_OWNER, new Answer(403, "not_owner")),
            Map.entry(RejectCode.NOT_ALLOWED, new Answer(403, "not_allowed")),
            Map.entry(RejectCode.WRONG_CHAIN, new Answer(403, "wrong_chain")),
            Map.entry(RejectCode.UNKNOWN_MARKET, new Answer(404, "unknown_market")),
            Map.entry(RejectCode.UNKNOWN_ORDER, new Answer(404, "unknown_order")),
            Map.entry(RejectCode.UNKNOWN_ACCOUNT, new Answer(404, "unknown_account")),
            Map.entry(RejectCode.STALE_NONCE, new Answer(409, "stale_nonce")),
            Map.entry(RejectCode.TOO_LARGE, new Answer(413, "too_large")),
            Map.entry(RejectCode.MARKET_EXISTS, new Answer(422, "market_exists")),
            Map.entry(RejectCode.INVALID_MARKET, new Answer(422, "invalid_market")),
            Map.entry(RejectCode.INVALID_AMOUNT, new Answer(422, "invalid_amount")),
            Map.entry(RejectCode.BAD_PRICE, new Answer(422, "bad_price")),
            Map.entry(RejectCode.BAD_SIZE, new Answer(422, "bad_size")),
            Map.entry(RejectCode.BAD_TICK, new Answer(422, "bad_tick")),
            Map.entry(RejectCode.BAD_LOT, new Answer(422, "bad_lot")),
            Map.entry(RejectCode.SIZE_TOO_SMALL, new Answer(422, "size_too_small")),
            Map.entry(RejectCode.DUPLICATE_CLIENT_ORDER_ID, new Answer(422, "duplicate_client_order_id")),
            Map.entry(RejectCode.ORDER_NOT_ACTIVE, new Answer(422, "order_not_active")),
            Map.entry(RejectCode.INSUFFICIENT_MARGIN, new Answer(422, "insufficient_margin")),
            Map.entry(RejectCode.INSUFFICIENT_BALANCE, new Answer(422, "insufficient_balance")),
            Map.entry(RejectCode.POST_ONLY_WOULD_CROSS, new Answer(422, "post_only_would_cross")),
            Map.entry(RejectCode.FOK_NOT_FILLABLE, new Answer(422, "fok_not_fillable")),
            Map.entry(RejectCode.TOO_MANY_ORDERS, new Answer(422, "too_many_orders")),
            Map.entry(RejectCode.OVERFLOW, new Answer(422, "overflow")),
            Map.entry(RejectCode.OVERLOADED, new Answer(503, "overloaded")),
            Map.entry(RejectCode.NOT_LEADER, new Answer(503, "not_leader"))));

    /** {@link BookReason#NONE} is never sent: an order that filled has no reason. */
    private static final Map<BookReason, String> REASONS = complete(BookReason.class, Map.ofEntries(
            Map.entry(BookReason.NONE, "none"),
            Map.entry(BookReason.CANCELLED_BY_USER, "cancelled_by_user"),
            Map.entry(BookReason.IOC_REMAINDER, "ioc_remainder"),
            Map.entry(BookReason.SLIPPAGE_LIMIT, "slippage_limit"),
            Map.entry(BookReason.SELF_TRADE, "self_trade"),
            Map.entry(BookReason.FOK_NOT_FILLABLE, "fok_not_fillable"),
            Map.entry(BookReason.POST_ONLY_WOULD_CROSS, "post_only_would_cross"),
            Map.entry(BookReason.INVALID_PRICE, "invalid_price"),
            Map.entry(BookReason.INVALID_SIZE, "invalid_size"),
            Map.entry(BookReason.DUPLICATE_ORDER_ID, "duplicate_order_id"),
            Map.entry(BookReason.UNKNOWN_ORDER, "unknown_order"),
            Map.entry(BookReason.INVALID_REDUCE, "invalid_reduce"),
            Map.entry(BookReason.LIQUIDATION, "liquidation")));

    private ApiCodes() {
    }

    /** The HTTP status that says which kind of refusal {@code code} is. */
    public static int httpStatus(RejectCode code) {
        return REJECTIONS.get(code).httpStatus();
    }

    /** The public name of a rejection code. */
    public static String name(RejectCode code) {
        return REJECTIONS.get(code).name();
    }

    /** The public name of why a book ended an order. */
    public static String name(BookReason reason) {
        return REASONS.get(reason);
    }

    /** The rejection code with public name {@code name}, or null. */
    public static RejectCode rejectCode(String name) {
        for (Map.Entry<RejectCode, Answer> e : REJECTIONS.entrySet()) {
            if (e.getValue().name().equals(name)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static <E extends Enum<E>, V> Map<E, V> complete(Class<E> type, Map<E, V> table) {
        EnumMap<E, V> out = new EnumMap<>(type);
        out.putAll(table);
        for (E constant : type.getEnumConstants()) {
            if (!out.containsKey(constant)) {
                throw new ExceptionInInitializerError(type.getSimpleName() + "." + constant + " has no public name in ApiCodes");
            }
        }
        return out;
    }
}
