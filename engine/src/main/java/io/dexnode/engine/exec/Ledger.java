package io.dexnode.engine.exec;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.RestingOrder;
import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.ChainParamsRecord;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.List;

/**
 * The engine's typed view of state while it executes: accounts, positions, orders, counters and
 * market statistics read and written through the {@link StateOverlay} (read-your-writes, undone on
 * a rejection), and the account order index, derived from state and kept in step with the
 * ActiveOrder entries by whoever writes them. One place for every state access of execution.
 */
public final class Ledger {
    private final StateOverlay state;
    /** Derived from state (rebuilt by recovery): each account's active orders, by id. */
    private final AccountOrderIndex accountOrders = new AccountOrderIndex();

    Ledger(StateStore store, int cacheEntries) {
        this.state = new StateOverlay(store, cacheEntries);
    }

    // ---------------------------------------------------------------- the overlay

    void put(StateKey key, Object value) {
        state.put(key, value);
    }

    void delete(StateKey key) {
        state.delete(key);
    }

    Object get(StateKey key) {
        return state.get(key);
    }

    void commitTx() {
        state.commitTx();
    }

    void rollbackTx() {
        state.rollbackTx();
    }

    /** Equal values mean no market's statistics or risk record changed in between. */
    long markInputsEpoch() {
        return state.markInputsEpoch();
    }

    /** The block's writes, encoded in key order. */
    public WriteSet toWriteSet() {
        return state.toWriteSet();
    }

    /**
     * Puts already encoded writes (a repair block's, computed outside execution) into the block
     * layer, as one transaction, so that the end-of-block step sees them as any block's writes.
     */
    public void applyEncoded(WriteSet writes) {
        writes.forEach((k, v) -> {
            StateKey key = StateKey.decode(k);
            if (v == null) {
                state.delete(key);
            } else {
                state.put(key, StateOverlay.decode(key, v));
            }
        });
        state.commitTx();
    }

    /** After a successful commit: the block's writes become the committed cache. */
    public void blockCommitted() {
        state.blockCommitted();
    }

    /** Forgets every cached record and empties the account order index (recovery rebuilds it). */
    public void reset() {
        state.reset();
        accountOrders.clear();
    }

    /** Forgets every cached record: state changed, or may have, behind the engine's back. */
    public void forgetCachedRecords() {
        state.reset();
    }

    // ---------------------------------------------------------------- records

    AccountRecord findAccount(String name) {
        if (name == null) {
            return null;
        }
        AccountIdValue id = (AccountIdValue) state.get(new StateKey.AccountName(name));
        return id == null ? null : account(id.accountId());
    }

    public AccountRecord account(long accountId) {
        return (AccountRecord) state.get(new StateKey.Account(accountId));
    }

    PositionRecord position(long accountId, int marketId) {
        PositionRecord p = (PositionRecord) state.get(new StateKey.Position(accountId, marketId));
        return p == null ? PositionRecord.EMPTY : p;
    }

    OrderRecord order(long orderId) {
        return (OrderRecord) state.get(new StateKey.Order(orderId));
    }

    MarketStatsRecord stats(int marketId) {
        MarketStatsRecord s = (MarketStatsRecord) state.get(new StateKey.MarketStats(marketId));
        return s == null ? MarketStatsRecord.EMPTY : s;
    }

    /** The chain's parameters (the defaults when block 1 set none). */
    ChainParamsRecord chainParams() {
        ChainParamsRecord p = (ChainParamsRecord) state.get(new StateKey.ChainParams());
        return p == null ? ChainParamsRecord.DEFAULTS : p;
    }

    /** What the root commits to of the archive ({@link ArchiveHeadRecord#NONE} before anything was archived). */
    ArchiveHeadRecord archiveHead() {
        ArchiveHeadRecord h = (ArchiveHeadRecord) state.get(new StateKey.ArchiveHead());
        return h == null ? ArchiveHeadRecord.NONE : h;
    }

    /** Visits every order record the block wrote so far, in no particular order. */
    void forEachOrderWritten(java.util.function.Consumer<OrderRecord> visitor) {
        state.forEachOrderWritten(visitor);
    }

    MarketRiskRecord risk(int marketId) {
        MarketRiskRecord r = (MarketRiskRecord) state.get(new StateKey.MarketRisk(marketId));
        return r == null ? MarketRiskRecord.EMPTY : r;
    }

    public CountersRecord counters() {
        CountersRecord c = (CountersRecord) state.get(new StateKey.Counters());
        return c == null ? CountersRecord.INITIAL : c;
    }

    void adjustActiveOrders(int delta) {
        CountersRecord c = counters();
        state.put(new StateKey.Counters(), c.withActiveOrders(c.activeOrders() + delta));
    }

    /** Writes an account that changed, noting it for the block's balance changes. */
    void putAccount(TxContext ctx, AccountRecord acct) {
        StateKey.Account key = new StateKey.Account(acct.accountId());
        // An unchanged account (a place without a nonce) is not rewritten: every write costs a tree update.
        if (!acct.equals(state.get(key))) {
            state.put(key, acct);
            ctx.touched.add(acct.accountId());
        }
    }

    /** The fee account, created (named, with nothing) the first time a fee is paid. */
    AccountRecord feeAccount() {
        AccountRecord fees = account(Engine.FEE_ACCOUNT_ID);
        if (fees == null) {
            fees = new AccountRecord(Engine.FEE_ACCOUNT_ID, Engine.FEE_ACCOUNT_NAME, 0, 0, new int[0]);
            state.put(new StateKey.AccountName(Engine.FEE_ACCOUNT_NAME), new AccountIdValue(Engine.FEE_ACCOUNT_ID));
        }
        return fees;
    }

    /** A new, empty account under {@code name} (already validated), its id from the counter in state. */
    AccountRecord createAccount(String name) {
        CountersRecord c = counters();
        long id = c.nextAccountId();
        state.put(new StateKey.Counters(), new CountersRecord(c.nextOrderId(), c.nextPrioritySeq(), id + 1, c.activeOrders()));
        state.put(new StateKey.AccountName(name), new AccountIdValue(id));
        AccountRecord acct = new AccountRecord(id, name, 0, 0, new int[0]);
        state.put(new StateKey.Account(id), acct);
        return acct;
    }

    // ---------------------------------------------------------------- the account order index

    void indexActive(OrderRecord o) {
        accountOrders.add(o.accountId(), o.marketId(), o.orderId(), o.clientOrderId());
    }

    void unindexActive(OrderRecord o) {
        accountOrders.remove(o.accountId(), o.marketId(), o.orderId(), o.clientOrderId());
    }

    /** How many of the account's active orders rest in the market (derived from state). */
    public int openOrders(long accountId, int marketId) {
        return accountOrders.openOrders(accountId, marketId);
    }

    /** The account's active order with this client order id, or null. */
    Long byClientId(long accountId, String clientOrderId) {
        return accountOrders.byClientId(accountId, clientOrderId);
    }

    /** The account's active order ids, ascending. */
    long[] activeOrderIds(long accountId) {
        return accountOrders.sorted(accountId);
    }

    /** The client order id of an active order, or null. */
    public String clientOrderIdOf(long orderId) {
        return accountOrders.clientIdOf(orderId);
    }

    /** Adds recovered orders (per market) to the account order index, which recovery has emptied. */
    public void indexRestored(List<List<RestingOrder>> orders) {
        accountOrders.addAll(orders);
    }

    /** Adds one restored order to the account order index (its book was rebuilt). */
    public void index(RestingOrder o) {
        accountOrders.add(o.accountId(), o.marketId(), o.orderId(), o.clientOrderId());
    }

    /** Drops one order from the account order index (its book is being rebuilt). */
    public void unindex(long accountId, int marketId, long orderId) {
        accountOrders.remove(accountId, marketId, orderId, accountOrders.clientIdOf(orderId));
    }
}
