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
 * what moved. Orders are handled ascending by id, so nothing here depends on hashing.
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
        if (after > 0 && !finished.isEmpty()) {
            queue(Math.addExact(h, after), finished);
        }
        archiveDue(block);
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

    private void archiveDue(BlockContext block) {
        StateKey.ArchiveQueue key = new StateKey.ArchiveQueue(block.height);
        ArchiveQueueRecord due = (ArchiveQueueRecord) ledger.get(key);
        if (due == null) {
            return;
        }
        ledger.delete(key);
        long[] ids = due.orderIds();
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
}
