package io.dexnode.engine;

import io.dexnode.engine.risk.AccountHealth;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
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

    /** A market's risk state: index and mark price, insurance fund, funding (empty before the market exists). */
    public MarketRiskRecord marketRisk(int marketId) {
        byte[] raw = store.getDurable(new StateKey.MarketRisk(marketId).encode());
        return raw == null ? MarketRiskRecord.EMPTY : MarketRiskRecord.decode(raw);
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
     * The account's margin as the engine judges it from committed state, at the marks the last
     * block's risk pass left in state (which the next block's margin checks start from): equity
     * (collateral plus unrealized PnL), the initial margin its positions and open orders need, the
     * most it may withdraw now, which is exactly the largest amount a {@code withdraw} would accept
     * (at most its collateral, and leaving equity at or above the initial margin), its maintenance
     * margin and margin ratio, and each position's liquidation price. Exact however far the marks
     * move (the engine's own {@link MarginTerms} and {@link AccountHealth}).
     */
    public AccountMargin margin(AccountRecord account) {
        return margin(account, positions(account));
    }

    /** As {@link #margin(AccountRecord)}, over the account's {@link #positions} already read. */
    public AccountMargin margin(AccountRecord account, PositionRecord[] positions) {
        int[] ids = account.markets();
        long[] marks = new long[ids.length];
        int[] rates = new int[ids.length];
        int[] maintenanceRates = new int[ids.length];
        long[] sizes = new long[ids.length];
        long[] entries = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            marks[i] = marketRisk(ids[i]).markPrice();
            MarketParams params = market(ids[i]);
            if (params == null) {
                throw new IllegalStateException("account " + account.accountId() + " has a position in market "
                        + Integer.toUnsignedString(ids[i]) + ", which does not exist");
            }
            rates[i] = params.initialMarginBps();
            maintenanceRates[i] = params.maintenanceMarginBps();
            sizes[i] = positions[i].size();
            entries[i] = positions[i].entryNotional();
        }
        MarginTerms terms = new MarginTerms(account.collateral(), positions, marks, rates, -1, 0, 0);
        terms.covers(0);
        BigInteger equity = terms.equityValue();
        BigInteger required = terms.requiredValue();
        BigInteger free = equity.subtract(required).min(BigInteger.valueOf(account.collateral())).max(BigInteger.ZERO);
        AccountHealth health = new AccountHealth(account.collateral(), sizes, entries, marks, maintenanceRates);
        BigInteger maintenance = health.maintenanceMargin();
        Long ratio = null;
        if (maintenance.signum() == 0) {
            ratio = 0L;
        } else if (equity.signum() > 0) {
            BigInteger[] qr = maintenance.multiply(BigInteger.valueOf(10_000)).divideAndRemainder(equity);
            BigInteger r = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
            ratio = r.bitLength() < 63 ? r.longValue() : Long.MAX_VALUE;
        }
        Long[] liquidationPrices = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            liquidationPrices[i] = health.liquidationPrice(i);
        }
        return new AccountMargin(equity, required, free.longValueExact(), maintenance, ratio, liquidationPrices);
    }

    /**
     * @param equity            collateral + Σ unrealized PnL at the marks
     * @param initialMargin     Σ ⌈(|size| × mark + open-order notional) × initial margin rate⌉
     * @param withdrawable      the largest withdrawal the engine would accept now (0 if none)
     * @param maintenanceMargin Σ ⌈|size| × mark × maintenance margin rate⌉: below it, the account is liquidated
     * @param marginRatioBps    ⌈maintenance margin × 10 000 / equity⌉: above 10 000 the account is
     *                          below maintenance; 0 without positions, null when equity is not positive
     * @param liquidationPrices per market of {@link AccountRecord#markets()}, the mark there at which
     *                          the account would be liquidated, the other marks unchanged (see
     *                          {@link AccountHealth#liquidationPrice}); null where there is none
     */
    public record AccountMargin(BigInteger equity, BigInteger initialMargin, long withdrawable,
                                BigInteger maintenanceMargin, Long marginRatioBps, Long[] liquidationPrices) {
    }

    public List<MarketParams> markets() {
        List<MarketParams> out = new ArrayList<>();
        store.scanPrefix(new byte[] {StateKey.TAG_MARKET}, (k, v) -> out.add(MarketParams.decode(v)));
        return out;
    }
}
