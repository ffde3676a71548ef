package io.dexnode.engine.history;

import io.dexnode.engine.Fill;
import io.dexnode.engine.exec.BlockContext;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.state.WriteSet;
import java.util.List;

/**
 * Writes what a block adds to the history into its extras, which the store commits in the same
 * atomic write as the block's state: each trade under its market and under each account that took
 * part, each placed order under its account (all, and by status, moving from active to its final
 * status when it finishes), and the orders the block archived with the block's summary. Only
 * puts and deletes of keys the block itself decides, so a crash keeps a block's history whole or
 * not at all, exactly as its state.
 */
public final class HistoryWriter {
    private HistoryWriter() {
    }

    public static void write(WriteSet extras, long height, long time, BlockContext block) {
        trades(extras, height, time, block.fills());
        for (OrderRecord o : block.placed()) {
            extras.put(ExtraKeys.accountOrder(o.accountId(), o.orderId()), ExtraKeys.PRESENT);
            if (o.isActive()) {
                extras.put(ExtraKeys.accountOrderByStatus(o.accountId(), OrderStatus.ACTIVE.ordinal(), o.orderId()), ExtraKeys.PRESENT);
            }
        }
        for (OrderRecord o : block.finished()) {
            extras.put(ExtraKeys.accountOrderByStatus(o.accountId(), o.status().ordinal(), o.orderId()), ExtraKeys.PRESENT);
            if (o.createdHeight() != height) {
                extras.delete(ExtraKeys.accountOrderByStatus(o.accountId(), OrderStatus.ACTIVE.ordinal(), o.orderId()));
            }
        }
        if (!block.archived().isEmpty()) {
            archive(extras, height, block.archived(), block.archiveHead());
        }
    }

    /**
     * The archive's records of block {@code height}, which moved {@code orders} (their final
     * records, ascending by id) out of the tree and wrote {@code head}: each order by id, and the
     * block's summary. Public for tools that build a state directly (benchmarks).
     */
    public static void archive(WriteSet extras, long height, List<OrderRecord> orders, ArchiveHeadRecord head) {
        for (OrderRecord o : orders) {
            extras.put(ExtraKeys.archivedOrder(o.orderId()), new ArchivedOrder(height, o).encode());
        }
        extras.put(ExtraKeys.archiveBlock(height), ArchiveBlock.encodeSummary(head, orders));
    }

    private static void trades(WriteSet extras, long height, long time, List<Fill> fills) {
        for (int i = 0; i < fills.size(); i++) {
            Fill f = fills.get(i);
            byte[] record = new TradeRecord(height, time, i, f).encode();
            extras.put(ExtraKeys.marketTrade(f.market(), f.tradeId()), record);
            extras.put(ExtraKeys.accountFill(f.makerAccount(), height, i), record);
            if (f.takerAccount() != f.makerAccount()) {
                extras.put(ExtraKeys.accountFill(f.takerAccount(), height, i), record);
            }
        }
    }
}
