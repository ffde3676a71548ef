package io.dexnode.engine.exec;

import io.dexnode.book.BookReason;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What one transaction did so far, for the book's events and for the block: its fills, order
 * updates and touched accounts, and the order in flight (the taker) while it meets the book.
 * Merged into the block only if the transaction is accepted.
 */
final class TxContext {
    final BlockContext block;
    final List<Fill> fills = new ArrayList<>();
    final List<OrderUpdate> updates = new ArrayList<>();
    final TreeSet<Long> touched = new TreeSet<>();
    /** The market whose book the transaction is changing. */
    MarketBook market;
    /** The order placed or amended, as it will be stored. */
    OrderRecord taker;
    BookReason takerReason;
    boolean takerRested;
    boolean amending;
    /**
     * The risk pass acting for a liquidated account: its taker orders pay no taker fee, and the
     * orders it cancels end with {@link BookReason#LIQUIDATION}.
     */
    boolean liquidation;
    /** Set before the book is first touched: a rejection after it is a broken invariant. */
    boolean bookTouched;
    MarketParams newMarket;

    TxContext(BlockContext block) {
        this.block = block;
    }

    void update(OrderRecord o, BookReason reason) {
        updates.add(new OrderUpdate(o.marketId(), o.orderId(), o.accountId(), o.side(), o.price(), o.status(),
                o.remaining(), o.filled(), reason));
    }
}
