package io.dexnode.engine.recovery;

import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Restores the books from a warm snapshot instead of scanning the index: the snapshot's orders,
 * caught up with the ActiveOrder entries and order records changed since its height, every changed
 * order checked as a rebuild from state would check it (so a snapshot never hides an
 * inconsistency), then verified against the index. Anything that does not add up makes the
 * snapshot unusable ({@link SnapshotUnusableException}); recovery then rebuilds from state.
 */
final class SnapshotRecovery {
    private SnapshotRecovery() {
    }

    static RecoveryReport recover(RecoveryTarget target, BookSnapshot snap, RecoveryOptions options, long start) {
        StateStore store = target.store();
        target.reset();
        Set<Integer> markets = new HashSet<>(target.marketIds());
        for (int m : snap.orders().keySet()) {
            if (!markets.contains(m)) {
                throw new SnapshotUnusableException("snapshot has market " + m + ", which state does not");
            }
        }
        long latest = store.latestVersion();
        Map<Integer, List<RestingOrder>> books = new TreeMap<>();
        for (int m : markets) {
            books.put(m, snap.orders().getOrDefault(m, List.of()));
        }
        Method method = Method.SNAPSHOT;
        // Orders whose record or index entry changed since the snapshot: checked below as a
        // rebuild from state would check them, so a snapshot never hides an inconsistency.
        Set<Long> touchedOrders = new HashSet<>();
        if (snap.version() < latest) {
            method = Method.SNAPSHOT_INCREMENTAL;
            catchUp(store, snap.version(), latest, books, touchedOrders);
        }
        checkTouched(store, books, touchedOrders);
        long restored = 0;
        for (List<RestingOrder> orders : books.values()) {
            restored += orders.size();
        }
        if (restored != target.counters().activeOrders()) {
            throw new SnapshotUnusableException("snapshot + catch-up gives " + restored + " resting orders but state counts "
                    + target.counters().activeOrders() + " (an Active order may have lost its index entry)");
        }
        RecoveryReport.Builder report = new RecoveryReport.Builder();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), markets.size())));
        try {
            List<Future<?>> installs = new ArrayList<>();
            for (Map.Entry<Integer, List<RestingOrder>> e : books.entrySet()) {
                installs.add(pool.submit(() -> target.install(e.getKey(), e.getValue())));
            }
            for (Future<?> f : installs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("recovery interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalStateException ise) {
                throw new SnapshotUnusableException("snapshot orders do not form valid books: " + ise.getMessage());
            }
            throw OrderbookRecovery.unwrap(e);
        } finally {
            pool.shutdownNow();
        }
        String mismatch = BookVerifier.verify(target);
        if (mismatch != null) {
            throw new SnapshotUnusableException("snapshot + catch-up disagrees with the ActiveOrder index: " + mismatch);
        }
        target.index(List.copyOf(books.values()));
        for (Map.Entry<Integer, List<RestingOrder>> e : books.entrySet()) {
            report.restored(e.getKey(), e.getValue().size());
        }
        report.method = method;
        return report.build(System.nanoTime() - start);
    }

    /**
     * Replaces, in {@code books}, every order whose ActiveOrder entry changed between the snapshot's
     * height and {@code latest} by what the entry and its record say now, and collects in
     * {@code touchedOrders} every order whose entry or record changed.
     */
    private static void catchUp(StateStore store, long from, long latest, Map<Integer, List<RestingOrder>> books,
                                Set<Long> touchedOrders) {
        List<byte[]> changed;
        try {
            changed = store.changedKeys(from, latest);
        } catch (RuntimeException e) {
            throw new SnapshotUnusableException("cannot list changes since height " + from + ": " + e.getMessage());
        }
        TreeMap<Integer, Set<Long>> changedIds = new TreeMap<>();
        List<byte[]> nowKeys = new ArrayList<>();
        for (byte[] key : changed) {
            if (key.length > 0 && key[0] == StateKey.TAG_ACTIVE_ORDER) {
                StateKey.ActiveOrder e = (StateKey.ActiveOrder) StateKey.decode(key);
                changedIds.computeIfAbsent(e.marketId(), x -> new HashSet<>()).add(e.orderId());
                nowKeys.add(key);
                touchedOrders.add(e.orderId());
            } else if (key.length > 0 && key[0] == StateKey.TAG_ORDER) {
                touchedOrders.add(((StateKey.Order) StateKey.decode(key)).orderId());
            }
        }
        List<byte[]> entries = store.multiGet(nowKeys);
        List<byte[]> orderKeys = new ArrayList<>();
        for (int i = 0; i < nowKeys.size(); i++) {
            if (entries.get(i) != null) {
                orderKeys.add(new StateKey.Order(((StateKey.ActiveOrder) StateKey.decode(nowKeys.get(i))).orderId()).encode());
            }
        }
        List<byte[]> records = store.multiGet(orderKeys);
        TreeMap<Integer, List<RestingOrder>> added = new TreeMap<>();
        for (byte[] raw : records) {
            if (raw == null) {
                throw new SnapshotUnusableException("an index entry changed since the snapshot names a missing order");
            }
            OrderRecord o = OrderRecord.decode(raw);
            added.computeIfAbsent(o.marketId(), x -> new ArrayList<>()).add(RestingOrder.of(o));
        }
        for (Map.Entry<Integer, Set<Long>> e : changedIds.entrySet()) {
            List<RestingOrder> kept = new ArrayList<>();
            for (RestingOrder o : books.getOrDefault(e.getKey(), List.of())) {
                if (!e.getValue().contains(o.orderId())) {
                    kept.add(o);
                }
            }
            List<RestingOrder> more = new ArrayList<>(added.getOrDefault(e.getKey(), List.of()));
            more.sort(Comparator.comparingLong(RestingOrder::prioritySeq));
            kept.addAll(more);
            books.put(e.getKey(), kept);
        }
    }

    /**
     * Each order whose record or index entry changed since the snapshot must be, by its record,
     * exactly what the books now hold: resting there with the same fields (valid, in that market)
     * if it is in them, and not an Active order with remaining &gt; 0 if it is not. Anything else
     * is an inconsistency only a rebuild from state repairs.
     */
    private static void checkTouched(StateStore store, Map<Integer, List<RestingOrder>> books, Set<Long> touched) {
        if (touched.isEmpty()) {
            return;
        }
        Map<Long, RestingOrder> held = new HashMap<>();
        for (List<RestingOrder> orders : books.values()) {
            for (RestingOrder o : orders) {
                if (touched.contains(o.orderId())) {
                    held.put(o.orderId(), o);
                }
            }
        }
        List<Long> ids = touched.stream().sorted().toList();
        for (int from = 0; from < ids.size(); from += MarketLoad.MULTI_GET_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MarketLoad.MULTI_GET_CHUNK));
            List<byte[]> raws = store.multiGet(chunk.stream().map(id -> new StateKey.Order(id).encode()).toList());
            for (int i = 0; i < chunk.size(); i++) {
                long id = chunk.get(i);
                OrderRecord o = raws.get(i) == null ? null : OrderRecord.decode(raws.get(i));
                RestingOrder inBook = held.get(id);
                if (inBook != null) {
                    Inconsistency problem = MarketLoad.classify(o, inBook.marketId());
                    if (problem != null || !RestingOrder.of(o).equals(inBook)) {
                        throw new SnapshotUnusableException("order " + id + " changed since the snapshot and its record "
                                + "disagrees with the book (" + (problem == null ? "fields differ" : problem.metricName()) + ")");
                    }
                } else if (o != null && o.status() == OrderStatus.ACTIVE && o.remaining() > 0) {
                    throw new SnapshotUnusableException("order " + id + " changed since the snapshot, is Active and rests in no book");
                }
            }
        }
    }
}
