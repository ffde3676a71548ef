package io.dexnode.engine.exec;

import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.ArchiveQueueRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The end-of-block archival step, the same on every replica and replay: an order that a block h
 * fills or cancels is queued (one {@link StateKey.ArchiveQueue} key for block h + N, N being the
 * chain's {@code archiveAfterBlocks}), and block h + N deletes its record from the tree and moves
 * it, as it was last, to the archive, rewriting the {@link StateKey.ArchiveHead} that commits to
 * what moved. Orders are handled ascending by id, so nothing here depends on hashing. A block
 * that follows a gap in the heights archives every queue that fell due in the gap (there are at
 * most N: a queue falls due at most N blocks after the last committed one).
 *
 * <p>Invariant: after every block h the tree holds exactly the active orders and the finished
 * orders whose last change is younger than N blocks; every older one is in the archive.
 */
final class OrderArchival {
    private final Ledger ledger;

    OrderArchival(Ledger ledger) {
        this.ledger = ledger;
    }

    void finishBlock(BlockContext block) {
        long h = block.height;
        List<OrderRecord> written = new ArrayList<>();
        ledger.forEachOrderWritten(written::add);
        written.sort(Comparator.comparingLong(OrderRecord::orderId));
        List<OrderRecord> placed = new ArrayList<>();
        List<OrderRecord> finished = new ArrayList<>();
        for (OrderRecord o : written) {
            if (o.createdHeight() == h) {
                placed.add(o);
            }
            if (!o.isActive()) {
                finished.add(o);
            }
        }
        block.placed = placed;
        block.finished = finished;
        int after = ledger.chainParams().archiveAfterBlocks();
        archiveDue(block, after);
        if (after > 0 && !finished.isEmpty()) {
            queue(Math.addExact(h, after), finished);
        }
    }

    private void queue(long due, List<OrderRecord> finished) {
        StateKey.ArchiveQueue key = new StateKey.ArchiveQueue(due);
        if (ledger.get(key) != null) {
            throw new IllegalStateException("the archive queue of block " + due + " is already written");
        }
        long[] ids = new long[finished.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = finished.get(i).orderId();
        }
        ledger.put(key, new ArchiveQueueRecord(ids));
    }

    private void archiveDue(BlockContext block, int after) {
        if (after == 0) {
            return; // a chain that never archives never queues
        }
        long last = Math.min(block.height, block.previousHeight + after);
        long[] ids = null;
        for (long at = block.previousHeight + 1; at <= last; at++) {
            StateKey.ArchiveQueue key = new StateKey.ArchiveQueue(at);
            ArchiveQueueRecord due = (ArchiveQueueRecord) ledger.get(key);
            if (due != null) {
                ledger.delete(key);
                ids = ids == null ? due.orderIds() : merge(ids, due.orderIds());
            }
        }
        if (ids == null) {
            return;
        }
        List<OrderRecord> records = new ArrayList<>(ids.length);
        List<byte[]> encoded = new ArrayList<>(ids.length);
        for (long id : ids) {
            OrderRecord o = ledger.order(id);
            if (o == null || o.isActive()) {
                throw new IllegalStateException("order " + id + ", due for the archive in block " + block.height + ", is "
                        + (o == null ? "missing" : "active"));
            }
            ledger.delete(new StateKey.Order(id));
            records.add(o);
            encoded.add(o.encode());
        }
        ArchiveHeadRecord head = ledger.archiveHead().next(block.height, encoded);
        ledger.put(new StateKey.ArchiveHead(), head);
        block.archived = records;
        block.archiveHead = head;
    }

    private static long[] merge(long[] a, long[] b) {
        long[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        java.util.Arrays.sort(all);
        return all;
    }
}
