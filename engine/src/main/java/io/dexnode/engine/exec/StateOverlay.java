package io.dexnode.engine.exec;

import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.ArchiveQueueRecord;
import io.dexnode.engine.schema.ChainParamsRecord;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine's read-your-writes view of state during a block: a transaction layer over a block
 * layer over a cache of decoded committed records over the {@link StateStore}.
 *
 * <p>Invariant: the cache holds only values equal to committed state (it is filled on reads and,
 * after a successful commit, with the block's writes), so it can be kept across blocks. A
 * transaction writes into the block layer directly and logs what each write replaced, so a
 * rejected transaction is undone from its log and an accepted one costs nothing more (merging a
 * separate transaction map into the block was a fifth of execution time). {@link #toWriteSet()}
 * encodes the block layer in key order (the write set sorts), so hash-map order never reaches
 * state.
 */
final class StateOverlay {
    private static final Object DELETED = new Object();
    private static final Object ABSENT = new Object();

    private final StateStore store;
    private final int cacheLimit;
    /** What the block layer held before: marks a key that was not in it. */
    private static final Object NOT_IN_BLOCK = new Object();

    private final HashMap<StateKey, Object> committed = new HashMap<>();
    private final HashMap<StateKey, Object> block = new HashMap<>();
    /** The open transaction's writes as (key, what the block layer held before) pairs, in order. */
    private final ArrayList<Object> undo = new ArrayList<>();
    /**
     * Changes whenever a market's statistics or risk record may have changed (a write of either, an
     * undone transaction, a reset): what a market's mark is computed from besides its book.
     */
    private long markInputs;

    StateOverlay(StateStore store, int cacheLimit) {
        this.store = store;
        this.cacheLimit = cacheLimit;
    }

    Object get(StateKey key) {
        Object v = block.get(key);
        if (v == null) {
            v = committed.get(key);
            if (v == null) {
                byte[] raw = store.get(key.encode());
                v = raw == null ? ABSENT : decode(key, raw);
                committed.put(key, v);
            }
        }
        return v == DELETED || v == ABSENT ? null : v;
    }

    void put(StateKey key, Object value) {
        write(key, value);
    }

    void delete(StateKey key) {
        write(key, DELETED);
    }

    private void write(StateKey key, Object value) {
        if (key instanceof StateKey.MarketStats || key instanceof StateKey.MarketRisk) {
            markInputs++;
        }
        Object before = block.put(key, value);
        undo.add(key);
        undo.add(before == null ? NOT_IN_BLOCK : before);
    }

    void commitTx() {
        undo.clear();
    }

    /** Equal values mean no market's statistics or risk record changed in between (see {@link #markInputs}). */
    long markInputsEpoch() {
        return markInputs;
    }

    /** Undoes the open transaction's writes, newest first, so each key gets back what it held before. */
    void rollbackTx() {
        if (!undo.isEmpty()) {
            markInputs++;
        }
        for (int i = undo.size() - 2; i >= 0; i -= 2) {
            StateKey key = (StateKey) undo.get(i);
            Object before = undo.get(i + 1);
            if (before == NOT_IN_BLOCK) {
                block.remove(key);
            } else {
                block.put(key, before);
            }
        }
        undo.clear();
    }

    WriteSet toWriteSet() {
        if (!undo.isEmpty()) {
            throw new IllegalStateException("a transaction layer is open at the end of a block");
        }
        WriteSet ws = new WriteSet();
        for (Map.Entry<StateKey, Object> e : block.entrySet()) {
            if (e.getValue() == DELETED) {
                ws.delete(e.getKey().encode());
            } else {
                ws.put(e.getKey().encode(), encode(e.getValue()));
            }
        }
        return ws;
    }

    /** Visits every order record the block wrote (deleted ones aside), in no particular order. */
    void forEachOrderWritten(java.util.function.Consumer<OrderRecord> visitor) {
        for (Map.Entry<StateKey, Object> e : block.entrySet()) {
            if (e.getKey() instanceof StateKey.Order && e.getValue() instanceof OrderRecord o) {
                visitor.accept(o);
            }
        }
    }

    /** After a successful commit: the block's writes become the committed cache. */
    void blockCommitted() {
        if (committed.size() + block.size() > cacheLimit) {
            committed.clear();
        }
        for (Map.Entry<StateKey, Object> e : block.entrySet()) {
            committed.put(e.getKey(), e.getValue() == DELETED ? ABSENT : e.getValue());
        }
        block.clear();
    }

    /** Forget everything cached (e.g. after state was changed behind the engine's back). */
    void reset() {
        markInputs++;
        committed.clear();
        block.clear();
        undo.clear();
    }

    static Object decode(StateKey key, byte[] raw) {
        return switch (key) {
            case StateKey.Market m -> MarketParams.decode(raw);
            case StateKey.Order o -> OrderRecord.decode(raw);
            case StateKey.ActiveOrder a -> ActiveOrderEntry.decode(raw);
            case StateKey.Account a -> AccountRecord.decode(raw);
            case StateKey.AccountName n -> AccountIdValue.decode(raw);
            case StateKey.Position p -> PositionRecord.decode(raw);
            case StateKey.Counters c -> CountersRecord.decode(raw);
            case StateKey.MarketStats s -> MarketStatsRecord.decode(raw);
            case StateKey.ChainParams c -> ChainParamsRecord.decode(raw);
            case StateKey.ArchiveQueue q -> ArchiveQueueRecord.decode(raw);
            case StateKey.ArchiveHead h -> ArchiveHeadRecord.decode(raw);
            case StateKey.MarketRisk r -> MarketRiskRecord.decode(raw);
        };
    }

    static byte[] encode(Object value) {
        return switch (value) {
            case MarketParams m -> m.encode();
            case OrderRecord o -> o.encode();
            case AccountRecord a -> a.encode();
            case PositionRecord p -> p.encode();
            case CountersRecord c -> c.encode();
            case MarketStatsRecord s -> s.encode();
            case MarketRiskRecord r -> r.encode();
            case ActiveOrderEntry e -> e.encode();
            case AccountIdValue id -> id.encode();
            case ChainParamsRecord c -> c.encode();
            case ArchiveQueueRecord q -> q.encode();
            case ArchiveHeadRecord h -> h.encode();
            default -> throw new IllegalStateException("no encoding for " + value.getClass());
        };
    }

}
