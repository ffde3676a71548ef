package io.dexnode.engine;

import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only views of committed state, decoded, for API threads. Safe to use concurrently with the
 * engine's thread (the store is), and independent of the engine's in-memory caches: it answers
 * from what is committed and durable, never from a block in flight (single-key reads wait for it:
 * {@link StateStore#getDurable}).
 */
public final class StateQueries {
    private final StateStore store;

    public StateQueries(StateStore store) {
        this.store = store;
    }

    public OrderRecord order(long orderId) {
        byte[] raw = store.getDurable(new StateKey.Order(orderId).encode());
        return raw == null ? null : OrderRecord.decode(raw);
    }

    public AccountRecord account(long accountId) {
        byte[] raw = store.getDurable(new StateKey.Account(accountId).encode());
        return raw == null ? null : AccountRecord.decode(raw);
    }

    public AccountRecord accountByName(String name) {
        byte[] raw = store.getDurable(new StateKey.AccountName(name).encode());
        return raw == null ? null : account(AccountIdValue.decode(raw).accountId());
    }

    public PositionRecord position(long accountId, int marketId) {
        byte[] raw = store.getDurable(new StateKey.Position(accountId, marketId).encode());
        return raw == null ? PositionRecord.EMPTY : PositionRecord.decode(raw);
    }

    public MarketStatsRecord marketStats(int marketId) {
        byte[] raw = store.getDurable(new StateKey.MarketStats(marketId).encode());
        return raw == null ? MarketStatsRecord.EMPTY : MarketStatsRecord.decode(raw);
    }

    public MarketParams market(int marketId) {
        byte[] raw = store.getDurable(new StateKey.Market(marketId).encode());
        return raw == null ? null : MarketParams.decode(raw);
    }

    /** The account's position in each of its markets, in the order of {@link AccountRecord#markets()}. */
    public PositionRecord[] positions(AccountRecord account) {
        int[] ids = account.markets();
        PositionRecord[] positions = new PositionRecord[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = position(account.accountId(), ids[i]);
        }
        return positions;
    }

    /**
     * The account's margin as the engine judges it from committed state: equity (collateral plus
     * unrealized PnL at each market's last trade price), the initial margin its positions and open
     * orders need, and the most it may withdraw now, which is exactly the largest amount a
     * {@code withdraw} would accept (at most its collateral, and leaving equity at or above the
     * margin). Exact however far the marks move (the engine's own {@link MarginTerms}).
     */
    public AccountMargin margin(AccountRecord account) {
        return margin(account, positions(account));
    }

    /** As {@link #margin(AccountRecord)}, over the account's {@link #positions} already read. */
    public AccountMargin margin(AccountRecord account, PositionRecord[] positions) {
        int[] ids = account.markets();
        long[] marks = new long[ids.length];
        int[] rates = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            marks[i] = marketStats(ids[i]).lastPrice();
            MarketParams params = market(ids[i]);
            if (params == null) {
                throw new IllegalStateException("account " + account.accountId() + " has a position in market "
                        + Integer.toUnsignedString(ids[i]) + ", which does not exist");
            }
            rates[i] = params.initialMarginBps();
        }
        MarginTerms terms = new MarginTerms(account.collateral(), positions, marks, rates, -1, 0, 0);
        terms.covers(0);
        BigInteger equity = terms.equityValue();
        BigInteger required = terms.requiredValue();
        BigInteger free = equity.subtract(required).min(BigInteger.valueOf(account.collateral())).max(BigInteger.ZERO);
        return new AccountMargin(equity, required, free.longValueExact());
    }

    /**
     * @param equity        collateral + Σ unrealized PnL at the marks
     * @param initialMargin Σ ⌈(|size| × mark + open-order notional) × initial margin rate⌉
     * @param withdrawable  the largest withdrawal the engine would accept now (0 if none)
     */
    public record AccountMargin(BigInteger equity, BigInteger initialMargin, long withdrawable) {
    }

    public List<MarketParams> markets() {
        List<MarketParams> out = new ArrayList<>();
        store.scanPrefix(new byte[] {StateKey.TAG_MARKET}, (k, v) -> out.add(MarketParams.decode(v)));
        return out;
    }
}
