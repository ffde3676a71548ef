package io.dexnode.engine.exec;

import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The exchange's rules for a transaction's fields, checked before anything changes: market
 * parameters, account names, nonces, tick, lot and minimum size, client order ids, ownership, the
 * per-market cap on resting orders, post-only. Every refusal is a typed {@link RejectedException};
 * arithmetic that would overflow is a refusal too ({@link #exact}), never a wrap.
 */
final class TransactionRules {
    static final long BPS = 10_000;
    /** A name of 64 hex digits is an Ed25519 public key's: only its lower-case spelling, the one admission writes, may be an account. */
    private static final Pattern PUBLIC_KEY_NOT_LOWER_CASE = Pattern.compile("(?=.*[A-F])[0-9a-fA-F]{64}");
    private static final int MAX_CLIENT_ORDER_ID = 64;

    private final Ledger ledger;
    private final Markets markets;

    TransactionRules(Ledger ledger, Markets markets) {
        this.ledger = ledger;
        this.markets = markets;
    }

    static RejectedException reject(RejectCode code, String message) {
        return new RejectedException(code, message);
    }

    /** {@code f}'s value, or a refusal with {@code message} if it overflows. */
    static <T> T exact(Supplier<T> f, String message) {
        try {
            return f.get();
        } catch (ArithmeticException e) {
            throw reject(RejectCode.OVERFLOW, message);
        }
    }

    /** A new market's parameters: id, symbol, sizes, fees, margins, the resting-order cap and the risk terms. */
    static void checkMarketParams(MarketParams p) {
        if (p.marketId() <= 0) {
            throw reject(RejectCode.INVALID_MARKET, "market id must be from 1 to " + Integer.MAX_VALUE);
        }
        if (p.symbol() == null || p.symbol().isBlank() || p.symbol().length() > 32 || !TxJson.wellFormed(p.symbol())) {
            throw reject(RejectCode.INVALID_MARKET, "symbol must be 1 to 32 characters of well-formed Unicode");
        }
        if (p.tickSize() <= 0 || p.lotSize() <= 0 || p.minSize() <= 0) {
            throw reject(RejectCode.INVALID_MARKET, "tickSize, lotSize and minSize must be positive");
        }
        if (p.makerFeeBps() < 0 || p.makerFeeBps() > BPS || p.takerFeeBps() < 0 || p.takerFeeBps() > BPS) {
            throw reject(RejectCode.INVALID_MARKET, "makerFeeBps and takerFeeBps must be 0 to 10000");
        }
        if (p.initialMarginBps() <= 0 || p.maintenanceMarginBps() <= 0 || p.maintenanceMarginBps() > p.initialMarginBps()
                || p.initialMarginBps() > BPS) {
            throw reject(RejectCode.INVALID_MARKET, "need 0 < maintenanceMarginBps <= initialMarginBps <= 10000");
        }
        if (p.maxOpenOrders() < 1 || p.maxOpenOrders() > MarketParams.MAX_OPEN_ORDERS_LIMIT) {
            throw reject(RejectCode.INVALID_MARKET, "maxOpenOrders must be 1 to " + MarketParams.MAX_OPEN_ORDERS_LIMIT);
        }
        if (p.liquidationFeeBps() < 0 || p.liquidationFeeBps() > BPS || p.fundingCapBps() < 0 || p.fundingCapBps() > BPS) {
            throw reject(RejectCode.INVALID_MARKET, "liquidationFeeBps and fundingCapBps must be 0 to 10000");
        }
        if (p.fundingIntervalBlocks() < 0) {
            throw reject(RejectCode.INVALID_MARKET, "fundingIntervalBlocks must be 0 (no funding) or more");
        }
    }

    /** A name a new account may take. */
    static void checkAccountName(String name) {
        if (!AccountRecord.isNameForm(name)) {
            throw reject(RejectCode.MALFORMED, "account names are 1 to 64 of [A-Za-z0-9_.-]");
        }
        if (PUBLIC_KEY_NOT_LOWER_CASE.matcher(name).matches()) {
            throw reject(RejectCode.MALFORMED, "a name of 64 hex digits is a public key and must be written in lower case");
        }
    }

    static void checkNonce(AccountRecord acct, long nonce) {
        if (nonce != 0 && nonce <= acct.lastNonce()) {
            throw reject(RejectCode.STALE_NONCE, "nonce " + nonce + " is not above the account's last nonce " + acct.lastNonce());
        }
    }

    static AccountRecord withNonce(AccountRecord acct, long nonce) {
        return nonce == 0 ? acct : acct.withNonce(nonce);
    }

    static void checkPrice(MarketParams params, long price) {
        if (price <= 0) {
            throw reject(RejectCode.BAD_PRICE, "price must be positive, got " + price);
        }
        if (price % params.tickSize() != 0) {
            throw reject(RejectCode.BAD_TICK, "price " + price + " is not a multiple of the tick size " + params.tickSize());
        }
    }

    static void checkSize(MarketParams params, long size, boolean placement) {
        if (size <= 0) {
            throw reject(RejectCode.BAD_SIZE, "size must be positive, got " + size);
        }
        if (size % params.lotSize() != 0) {
            throw reject(RejectCode.BAD_LOT, "size " + size + " is not a multiple of the lot size " + params.lotSize());
        }
        if (placement && size < params.minSize()) {
            throw reject(RejectCode.SIZE_TOO_SMALL, "size " + size + " is below the minimum " + params.minSize());
        }
    }

    /** A new order's client order id, if it has one: well-formed and unused among the account's active orders. */
    void checkClientOrderId(AccountRecord acct, String clientOrderId) {
        if (clientOrderId == null) {
            return;
        }
        if (clientOrderId.isEmpty() || clientOrderId.length() > MAX_CLIENT_ORDER_ID) {
            throw reject(RejectCode.MALFORMED, "clientOrderId must be 1 to " + MAX_CLIENT_ORDER_ID + " characters");
        }
        if (!TxJson.wellFormed(clientOrderId)) {
            throw reject(RejectCode.MALFORMED, "clientOrderId must be well-formed Unicode (no unpaired surrogate)");
        }
        if (ledger.byClientId(acct.accountId(), clientOrderId) != null) {
            throw reject(RejectCode.DUPLICATE_CLIENT_ORDER_ID,
                    "clientOrderId \"" + clientOrderId + "\" is already used by an active order");
        }
    }

    /** Whether an order of {@code side} at {@code price} would take liquidity from {@code book}. */
    static boolean wouldCross(OrderBook book, Side side, long price) {
        return side == Side.BUY ? price >= book.bestAsk() : price <= book.bestBid();
    }

    /** The best price on the side a taker of {@code side} would hit, or 0 if that side is empty. */
    static long bestOpposite(OrderBook book, Side side) {
        if (side == Side.BUY) {
            return book.bestAsk() == Long.MAX_VALUE ? 0 : book.bestAsk();
        }
        return book.bestBid() == Long.MIN_VALUE ? 0 : book.bestBid();
    }

    /**
     * The per-market cap on an account's resting orders ({@link MarketParams#maxOpenOrders}). IOC
     * and FOK orders never rest, so they pass. At the cap, a GTC or post-only order is refused up
     * front unless it would fill completely on entry (the test a FOK passes): one whose remainder
     * would rest is refused whole, not partly filled, so a refusal changes nothing. The count comes
     * from the account order index, derived from state: no state read per order.
     */
    void checkOpenOrderCap(AccountRecord acct, MarketParams params, OrderBook book, Tx.Place p) {
        if (p.tif() == TimeInForce.IOC || p.tif() == TimeInForce.FOK) {
            return;
        }
        int open = ledger.openOrders(acct.accountId(), params.marketId());
        if (open < params.maxOpenOrders()) {
            return;
        }
        if (p.tif() == TimeInForce.GTC
                && book.fillableSize(p.side(), p.price(), acct.accountId(), p.stp(), p.size()) >= p.size()) {
            return;
        }
        throw reject(RejectCode.TOO_MANY_ORDERS, "the account has " + open + " orders resting in market "
                + params.marketId() + ", the most it allows (" + params.maxOpenOrders()
                + "); only an order that fills completely on entry, IOC or FOK is accepted until one leaves the book");
    }

    MarketBook requireMarket(int marketId) {
        MarketBook m = markets.get(marketId);
        if (m == null) {
            throw reject(RejectCode.UNKNOWN_MARKET, "market " + marketId + " does not exist");
        }
        return m;
    }

    AccountRecord requireAccount(String name) {
        AccountRecord acct = ledger.findAccount(name);
        if (acct == null) {
            throw reject(RejectCode.UNKNOWN_ACCOUNT, "account \"" + name + "\" does not exist (deposit first)");
        }
        return acct;
    }

    /** The account's own Active order named by id or, when the id is 0, by client order id. */
    OrderRecord requireOwnActiveOrder(AccountRecord acct, long orderId, String clientOrderId) {
        long id = orderId;
        if (id == 0) {
            Long byClient = ledger.byClientId(acct.accountId(), clientOrderId);
            if (byClient == null) {
                throw reject(RejectCode.UNKNOWN_ORDER, "no active order with clientOrderId \"" + clientOrderId + "\"");
            }
            id = byClient;
        }
        OrderRecord o = ledger.order(id);
        if (o == null && id < ledger.counters().nextOrderId()) {
            // Ids come from the counter and every order placed is stored: one no longer in the
            // tree finished and moved to the archive. Judged from state alone, not from the archive.
            throw reject(RejectCode.ORDER_NOT_ACTIVE, "order " + id + " is finished and archived");
        }
        if (o == null) {
            throw reject(RejectCode.UNKNOWN_ORDER, "order " + id + " does not exist");
        }
        if (o.accountId() != acct.accountId()) {
            throw reject(RejectCode.NOT_OWNER, "order " + id + " belongs to another account");
        }
        if (!o.isActive()) {
            throw reject(RejectCode.ORDER_NOT_ACTIVE, "order " + id + " is " + o.status().jsonName());
        }
        return o;
    }
}
