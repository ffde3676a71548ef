package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.List;
import java.util.Map;

/**
 * Everything recovery may do to the engine, and nothing more: read its committed state, empty its
 * books, put restored orders back into books and the derived per-account maps, and commit a repair
 * block. Recovery knows the engine only through this interface; the engine hands it an
 * implementation and calls recovery only through its entry points ({@link OrderbookRecovery},
 * {@link BookVerifier}, {@link BookRebuilder}). Called between blocks, on the engine's thread
 * (except {@link #install}, which recovery runs for several markets at once).
 */
public interface RecoveryTarget extends BookSource {
    /** The committed state: the truth recovery rebuilds from. */
    StateStore store();

    /** The committed counters (next order id, resting-order count). */
    CountersRecord counters();

    /**
     * Empties every book, cache and derived map, and reloads the markets from committed state; a
     * market whose parameters are unchanged keeps its (cleared) book.
     */
    void reset();

    /** Puts restored orders, in priority order, into one market's book; markets may be installed in parallel. */
    void install(int marketId, List<RestingOrder> orders);

    /** Adds restored orders (per market) to the per-account maps of active orders, which {@link #reset} emptied. */
    void index(List<List<RestingOrder>> orders);

    /**
     * Replaces one market's book by {@code orders} (in priority order), rebuilt from state: the
     * orders the book held and {@code orders} leave the per-account maps, then {@code orders} enter
     * them one by one, and every cached state record is forgotten.
     */
    void replaceBook(int marketId, List<RestingOrder> orders);

    /**
     * Commits {@code writes} as block {@code height} (above the committed one) at {@code time}, a
     * repair block with no transactions whose record lists the repaired order ids by kind, with the
     * caller's {@code records} (may be null) in the same write. A failed commit halts the engine.
     */
    void commitRepairBlock(long height, long time, WriteSet writes, Map<String, List<Long>> repairsByKind, WriteSet records);
}
