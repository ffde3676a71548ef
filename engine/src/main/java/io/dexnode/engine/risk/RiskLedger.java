package io.dexnode.engine.risk;

import io.dexnode.book.Side;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.PositionRecord;

/**
 * The accounts, positions, books and funds as the risk pass reads and changes them; the engine's
 * execution implements it over its state overlay and books. Every change made through it is part
 * of the block (its events too: order updates and fills of the orders it cancels and places), and
 * every change of a position or of collateral is reported to the {@link LiquidationIndex}.
 */
public interface RiskLedger {
    /** Every market's id, ascending. */
    int[] marketIds();

    MarketParams params(int marketId);

    MarketRiskRecord risk(int marketId);

    void putRisk(int marketId, MarketRiskRecord record);

    /** The mark as it stands: from the market's index (or last trade) price and its book's best prices. */
    long liveMark(int marketId);

    /** An account, or null. */
    AccountRecord account(long accountId);

    /** An account's position in a market (empty if it has none). */
    PositionRecord position(long accountId, int marketId);

    /** Adds {@code delta} (negative: takes) to an account's collateral; the fee account included. */
    void addCollateral(long accountId, long delta);

    /** Cancels every resting order of the account, in every market, as a liquidation does. */
    void cancelOrders(long accountId);

    /**
     * Places an IOC order for the account: {@code size} on {@code side} at no worse than
     * {@code limitPrice}, paying no taker fee (makers pay theirs). Returns what it did.
     */
    BookTake takeFromBook(long accountId, int marketId, Side side, long size, long limitPrice);

    /**
     * The account trades {@code size} on {@code side} at {@code price} with {@code counterparty},
     * who takes the other side, outside the book and without fees (auto-deleveraging). False, and
     * nothing done, if either side's records (collateral, entry notional, realized PnL) would not
     * fit in a long: only extreme values get there.
     */
    boolean deleverage(long accountId, long counterparty, int marketId, Side side, long price, long size);

    /** What an IOC placed by {@link #takeFromBook} did: its order id, the size it filled and Σ price × size of its fills. */
    record BookTake(long orderId, long filled, long cash) {
    }
}
