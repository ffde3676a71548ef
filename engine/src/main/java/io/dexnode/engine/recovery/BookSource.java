package io.dexnode.engine.recovery;

import io.dexnode.book.BookView;
import java.util.List;

/**
 * What a warm snapshot reads of the engine: the committed height and root its books show, the
 * books themselves (read-only) and the client order id of each resting order. Read between
 * blocks, on the engine's thread.
 */
public interface BookSource {
    /** The latest committed height. */
    long height();

    /** The state root at {@link #height()}. */
    byte[] root();

    /** Ids of all markets, ascending. */
    List<Integer> marketIds();

    /** A market's book, read-only; null for an unknown market. */
    BookView book(int marketId);

    /** The client order id of a resting order, or null. */
    String clientOrderIdOf(long orderId);
}
