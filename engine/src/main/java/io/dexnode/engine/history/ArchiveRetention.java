package io.dexnode.engine.history;

import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Archive retention, an operator's choice per node (never part of the state, which keeps only
 * what the root commits to): the records of archive blocks older than a height — each archived
 * order, its entries in its account's order indexes, the block's summary — are found here, a
 * bounded batch at a time, oldest first, and deleted with a later block's write. Trades and fills
 * are kept. Reads only what is durable, so it may run beside the block producer.
 */
public final class ArchiveRetention {
    private ArchiveRetention() {
    }

    /**
     * What to delete: the keys, and the highest archive block they cover (the next plan starts
     * after it; {@code fromHeight - 1} when there was nothing).
     */
    public record Plan(List<byte[]> deletes, long throughHeight, int blocks, int orders) {
    }

    /**
     * The records of the archive blocks at heights from {@code fromHeight} up to below
     * {@code belowHeight}, whole blocks only, stopping once about {@code maxOrders} orders are covered.
     */
    public static Plan plan(StateStore store, long fromHeight, long belowHeight, int maxOrders) {
        List<byte[]> deletes = new ArrayList<>();
        long[] through = {fromHeight - 1};
        int[] counted = {0, 0};
        byte[] prefix = {ExtraKeys.ARCHIVE_BLOCK};
        store.scanExtras(prefix, ExtraKeys.archiveBlock(Math.max(0, fromHeight)), (k, v) -> {
            long height = java.nio.ByteBuffer.wrap(k).getLong(1);
            if (height >= belowHeight || counted[1] >= maxOrders) {
                return false;
            }
            ArchiveBlock.Summary summary = ArchiveBlock.Summary.decode(v);
            for (long id : summary.orderIds()) {
                byte[] key = ExtraKeys.archivedOrder(id);
                byte[] raw = store.getExtra(key);
                if (raw != null) {
                    ArchivedOrder a = ArchivedOrder.decode(raw);
                    long account = a.order().accountId();
                    deletes.add(ExtraKeys.accountOrder(account, id));
                    deletes.add(ExtraKeys.accountOrderByStatus(account, a.order().status().ordinal(), id));
                    deletes.add(key);
                }
            }
            deletes.add(k);
            through[0] = height;
            counted[0]++;
            counted[1] += summary.orderIds().length;
            return true;
        });
        return new Plan(deletes, through[0], counted[0], counted[1]);
    }
}
