package io.dexnode.engine;

import io.dexnode.engine.RecoveryReport.Inconsistency;
import io.dexnode.engine.RecoveryReport.Method;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds every market's book from committed state (layer 3 of the design): scan each market's
 * ActiveOrder prefix, multi-get the order records, keep the valid ones (exists, Active, remaining
 * &gt; 0, same market, entry agrees) and restore them in priority order; optionally scan all order
 * records for Active orders the index lost. Markets load in parallel. Every inconsistency is
 * counted, logged with the order ids and repaired by one committed repair block (or, when strict,
 * refused). A warm snapshot, when one is usable, replaces the scan: it is loaded and caught up
 * with the keys changed since its version. After any path the books are verified against the
 * index (count and digest of id, remaining, priority per market).
 */
public final class OrderbookRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OrderbookRecovery.class);
    private static final int MULTI_GET_CHUNK = 4096;

    private OrderbookRecovery() {
    }

    public static RecoveryReport recover(Engine engine, RecoveryOptions options) {
        long start = System.nanoTime();
        String note = null;
        if (options.snapshotDir() != null) {
            BookSnapshotLoader.Result loaded = BookSnapshotLoader.loadLatest(options.snapshotDir(), engine.store());
            if (loaded.snapshot() != null) {
                if (loaded.problem() != null) {
                    LOG.warn("newer warm snapshots skipped: {}", loaded.problem());
                }
                try {
                    RecoveryReport r = fromSnapshot(engine, loaded.snapshot(), options, start);
                    LOG.info("books recovered from snapshot of height {} ({}): {} orders in {} ms",
                            loaded.snapshot().version(), r.method().metricName(), r.totalOrders(), r.nanos() / 1_000_000);
                    return r;
                } catch (SnapshotUnusableException e) {
                    note = e.getMessage();
                    LOG.warn("warm snapshot not used, recovering from state: {}", note);
                }
            } else if (loaded.problem() != null) {
                note = loaded.problem();
                LOG.warn("warm snapshot not used, recovering from state: {}", note);
            }
        }
        RecoveryReport r = fromState(engine, options, start, note);
        LOG.info("books recovered from state: {} orders in {} markets in {} ms{}", r.totalOrders(),
                r.ordersByMarket().size(), r.nanos() / 1_000_000,
                r.clean() ? "" : "; repaired " + r.describeInconsistencies() + " in block " + r.repairHeight());
        return r;
    }

    // ---------------------------------------------------------------- from state

    private static RecoveryReport fromState(Engine engine, RecoveryOptions options, long start, String note) {
        StateStore store = engine.store();
        engine.resetForRecovery();
        List<Integer> markets = engine.marketIds();
        RecoveryReport.Builder report = new RecoveryReport.Builder();
        report.snapshotNote = note;
        RepairPlan plan = new RepairPlan();
        Map<Integer, MarketLoad> loads = new TreeMap<>();
        long[][] activeByMarket;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), markets.size() + 1)));
        try {
            boolean scanAll = scansOrders(options, engine.counters());
            List<Future<MarketLoad>> futures = new ArrayList<>();
            for (int m : markets) {
                futures.add(pool.submit(() -> scanAll ? MarketLoad.indexOnly(store, m) : MarketLoad.load(store, m)));
            }
            for (Future<MarketLoad> f : futures) {
                MarketLoad load = f.get();
                loads.put(load.marketId, load);
            }
            Map<Integer, List<RestingOrder>> resting = scanAll
                    ? restingOrders(store, engine.counters().nextOrderId() - 1, pool, options.threads()) : null;
            if (scanAll) {
                List<Future<?>> attached = new ArrayList<>();
                for (MarketLoad load : loads.values()) {
                    List<RestingOrder> mine = resting.getOrDefault(load.marketId, List.of());
                    attached.add(pool.submit(() -> load.attach(store, mine)));
                }
                for (Future<?> f : attached) {
                    f.get();
                }
            }
            for (MarketLoad load : loads.values()) {
                load.report(report, plan);
            }
            if (!scanAll) {
                // The pass over all order records runs when asked, or when the index disagrees with
                // the count of resting orders kept in state (an Active order may have lost its entry).
                long indexed = 0;
                for (MarketLoad load : loads.values()) {
                    indexed += load.valid.size();
                }
                if (options.scanOrphans() || !plan.isEmpty() || indexed != engine.counters().activeOrders()) {
                    resting = restingOrders(store, engine.counters().nextOrderId() - 1, pool, options.threads());
                }
            }
            Map<Integer, long[]> active = Map.of();
            if (resting != null) {
                for (MarketLoad load : loads.values()) {
                    load.addOrphans(resting.getOrDefault(load.marketId, List.of()), report, plan);
                }
                active = idsByMarket(resting);
            }
            for (Map.Entry<Integer, long[]> e : active.entrySet()) {
                if (!loads.containsKey(e.getKey())) {
                    throw new IllegalStateException("active orders " + Arrays.toString(Arrays.copyOf(e.getValue(),
                            Math.min(10, e.getValue().length))) + " belong to market " + e.getKey() + ", which does not exist");
                }
            }
            if (!plan.isEmpty()) {
                RecoveryReport found = report.build(System.nanoTime() - start);
                if (options.strict()) {
                    throw new RecoveryRefusedException(found);
                }
                for (Map.Entry<Inconsistency, List<Long>> e : found.inconsistencies().entrySet()) {
                    LOG.warn("recovery repair: {} × {}: orders {}", e.getValue().size(), e.getKey().metricName(), e.getValue());
                }
                Map<Integer, List<RestingOrder>> valid = new TreeMap<>();
                loads.forEach((m, load) -> valid.put(m, load.valid));
                report.repairHeight = engine.commitRepairBlock(plan, valid, found);
            }
            install(engine, pool, loads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("recovery interrupted", e);
        } catch (ExecutionException e) {
            throw rethrow(e);
        } finally {
            pool.shutdownNow();
        }
        // Without a repair block the index is exactly what was loaded, so its digest is known;
        // after repairs it is read again.
        String mismatch = report.repairHeight == 0 ? verifyAgainst(engine, loads) : verify(engine);
        if (mismatch != null) {
            throw new IllegalStateException("recovered books disagree with the ActiveOrder index: " + mismatch);
        }
        report.method = Method.STATE;
        return report.build(System.nanoTime() - start);
    }

    private static void install(Engine engine, ExecutorService pool, Map<Integer, MarketLoad> loads)
            throws InterruptedException, ExecutionException {
        List<Future<?>> installs = new ArrayList<>();
        for (MarketLoad load : loads.values()) {
            installs.add(pool.submit(() -> engine.installRestored(load.marketId, load.valid)));
        }
        for (Future<?> f : installs) {
            f.get();
        }
        engine.indexRestored(loads.values().stream().map(load -> load.valid).toList());
    }

    /**
     * Whether to read the order records by one pass over all of them rather than by key: when
     * asked, or (AUTO) when there are enough orders for the pass to pay and history is at most a
     * few times the resting orders (the pass reads every order; lookups read only resting ones,
     * but at random).
     */
    private static boolean scansOrders(RecoveryOptions options, io.dexnode.engine.schema.CountersRecord counters) {
        long total = counters.nextOrderId() - 1;
        return switch (options.reads()) {
            case SCAN -> true;
            case LOOKUP -> false;
            case AUTO -> total >= 65_536 && total <= 6 * Math.max(1, counters.activeOrders());
        };
    }

    /**
     * Every Active order with remaining &gt; 0, per market, ascending by id: the order keys up to
     * {@code maxId} are cut into prefix ranges scanned in parallel, and records are checked in
     * place before any is decoded.
     */
    private static Map<Integer, List<RestingOrder>> restingOrders(StateStore store, long maxId, ExecutorService pool,
                                                                 int threads) throws InterruptedException, ExecutionException {
        int shift = 0;
        for (int s = 56; s >= 0; s -= 8) {
            if ((maxId >>> s) + 1 >= 16) {
                shift = s;
                break;
            }
        }
        long chunks = (maxId >>> shift) + 1;
        int prefixBytes = 8 - shift / 8;
        int tasks = (int) Math.max(1, Math.min(Math.max(1, threads) * 4L, chunks));
        List<Future<TreeMap<Integer, List<RestingOrder>>>> parts = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            long from = chunks * t / tasks;
            long to = chunks * (t + 1) / tasks;
            final int sh = shift;
            parts.add(pool.submit(() -> {
                ByMarket out = new ByMarket();
                for (long c = from; c < to; c++) {
                    byte[] prefix = new byte[1 + prefixBytes];
                    prefix[0] = StateKey.TAG_ORDER;
                    long start = c << sh;
                    for (int i = 0; i < prefixBytes; i++) {
                        prefix[1 + i] = (byte) (start >>> (56 - 8 * i));
                    }
                    store.scanPrefixInPlace(prefix, (k, v) -> {
                        if (OrderRecord.isResting(v)) {
                            out.add(RestingOrder.of(v));
                        }
                    });
                }
                return out.lists;
            }));
        }
        TreeMap<Integer, List<RestingOrder>> all = new TreeMap<>();
        for (Future<TreeMap<Integer, List<RestingOrder>>> part : parts) {
            part.get().forEach((m, orders) -> all.computeIfAbsent(m, x -> new ArrayList<>()).addAll(orders));
        }
        return all;
    }

    /** Orders grouped by market: small market ids find their list by index, others (and the result) by map. */
    private static final class ByMarket {
        final TreeMap<Integer, List<RestingOrder>> lists = new TreeMap<>();
        private final List<RestingOrder>[] byId = newLists(1024);

        @SuppressWarnings("unchecked")
        private static List<RestingOrder>[] newLists(int n) {
            return (List<RestingOrder>[]) new List[n];
        }

        void add(RestingOrder o) {
            int m = o.marketId();
            List<RestingOrder> list = m >= 0 && m < byId.length ? byId[m] : null;
            if (list == null) {
                list = lists.computeIfAbsent(m, x -> new ArrayList<>());
                if (m >= 0 && m < byId.length) {
                    byId[m] = list;
                }
            }
            list.add(o);
        }
    }

    /** The ids of resting orders per market (checked below against the markets that exist). */
    private static Map<Integer, long[]> idsByMarket(Map<Integer, List<RestingOrder>> resting) {
        Map<Integer, long[]> ids = new TreeMap<>();
        resting.forEach((m, orders) -> ids.put(m, orders.stream().mapToLong(RestingOrder::orderId).toArray()));
        return ids;
    }

    /** One market's index entries and the orders they name, validated. */
    private static final class MarketLoad {
        final int marketId;
        final LongList ids = new LongList();
        final LongList seqs = new LongList();
        final LongList remainings = new LongList();
        /** Per entry, the order it names when that order may rest in this market, else null. */
        RestingOrder[] candidates;
        /** Per entry without a candidate, its order record, decoded to say what is wrong (null: missing). */
        OrderRecord[] records;
        /** The candidates, ascending by priority. */
        List<RestingOrder> valid = new ArrayList<>();

        private MarketLoad(int marketId) {
            this.marketId = marketId;
        }

        /** The digest of the index entries as loaded. */
        BookDigest indexDigest() {
            BookDigest.Accumulator acc = new BookDigest.Accumulator();
            for (int i = 0; i < ids.size(); i++) {
                acc.add(ids.get(i), remainings.get(i), seqs.get(i));
            }
            return acc.result();
        }

        static MarketLoad load(StateStore store, int marketId) {
            MarketLoad load = indexOnly(store, marketId);
            List<byte[]> keys = new ArrayList<>(load.ids.size());
            for (int i = 0; i < load.ids.size(); i++) {
                keys.add(new StateKey.Order(load.ids.get(i)).encode());
            }
            load.candidates = new RestingOrder[keys.size()];
            load.records = new OrderRecord[keys.size()];
            int at = 0;
            for (int from = 0; from < keys.size(); from += MULTI_GET_CHUNK) {
                for (byte[] raw : store.multiGet(keys.subList(from, Math.min(keys.size(), from + MULTI_GET_CHUNK)))) {
                    load.take(at++, raw);
                }
            }
            load.collectValid();
            return load;
        }

        /** Entry {@code i}'s order record, read by key. */
        private void take(int i, byte[] raw) {
            OrderRecord o = raw == null ? null : OrderRecord.decode(raw);
            if (classify(o, marketId) == null) {
                candidates[i] = RestingOrder.of(o);
            } else {
                records[i] = o;
            }
        }

        /** The market's index entries only; the records come from {@link #attach}. */
        static MarketLoad indexOnly(StateStore store, int marketId) {
            MarketLoad load = new MarketLoad(marketId);
            scanIndex(store, marketId, (id, seq, remaining) -> {
                load.ids.add(id);
                load.seqs.add(seq);
                load.remainings.add(remaining);
            });
            return load;
        }

        /**
         * Takes the index entries' orders from the market's resting orders of the pass over all
         * records (both ascending by id); entries whose order does not rest are read by key to say why.
         */
        void attach(StateStore store, List<RestingOrder> resting) {
            candidates = new RestingOrder[ids.size()];
            records = new OrderRecord[ids.size()];
            List<byte[]> missingKeys = new ArrayList<>();
            List<Integer> missingAt = new ArrayList<>();
            int j = 0;
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                while (j < resting.size() && resting.get(j).orderId() < id) {
                    j++;
                }
                if (j < resting.size() && resting.get(j).orderId() == id) {
                    candidates[i] = resting.get(j++);
                } else {
                    missingKeys.add(new StateKey.Order(id).encode());
                    missingAt.add(i);
                }
            }
            List<byte[]> raws = missingKeys.isEmpty() ? List.of() : store.multiGet(missingKeys);
            for (int k = 0; k < raws.size(); k++) {
                take(missingAt.get(k), raws.get(k));
            }
            collectValid();
        }

        private void collectValid() {
            valid = new ArrayList<>(candidates.length);
            for (RestingOrder o : candidates) {
                if (o != null) {
                    valid.add(o);
                }
            }
            valid.sort(Comparator.comparingLong(RestingOrder::prioritySeq));
        }

        /**
         * The market's resting orders (ascending by id, from the pass over all records) that have
         * no index entry here: orphans, re-indexed and restored.
         */
        void addOrphans(List<RestingOrder> resting, RecoveryReport.Builder report, RepairPlan plan) {
            int found = 0;
            int j = 0;
            for (RestingOrder o : resting) {
                while (j < ids.size() && ids.get(j) < o.orderId()) {
                    j++;
                }
                if (j < ids.size() && ids.get(j) == o.orderId()) {
                    continue;
                }
                report.found(Inconsistency.ORPHANED_ACTIVE_ORDER, o.orderId());
                plan.puts.add(new RepairPlan.EntryPut(marketId, o.orderId(), new ActiveOrderEntry(o.prioritySeq(), o.remaining())));
                plan.touched.add(new RepairPlan.AccountMarket(o.accountId(), marketId));
                valid.add(o);
                found++;
            }
            if (found > 0) {
                valid.sort(Comparator.comparingLong(RestingOrder::prioritySeq));
                report.restored(marketId, found);
            }
        }

        /**
         * What is wrong with the order an entry of {@code marketId} names, judged by the record
         * alone: null if it may rest (the entry's own fields are compared separately).
         */
        static Inconsistency classify(OrderRecord o, int marketId) {
            if (o == null) {
                return Inconsistency.MISSING_ORDER;
            }
            return switch (o.status()) {
                case FILLED -> Inconsistency.FILLED_ORDER;
                case CANCELLED -> Inconsistency.CANCELLED_ORDER;
                case ACTIVE -> o.remaining() <= 0 ? Inconsistency.ZERO_REMAINING
                        : o.marketId() != marketId ? Inconsistency.WRONG_MARKET : null;
            };
        }

        /** Classifies every invalid entry into the report and the repair plan. */
        void report(RecoveryReport.Builder report, RepairPlan plan) {
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                RestingOrder c = candidates[i];
                if (c != null) {
                    if (c.prioritySeq() != seqs.get(i) || c.remaining() != remainings.get(i)) {
                        report.found(Inconsistency.ENTRY_MISMATCH, id);
                        plan.puts.add(new RepairPlan.EntryPut(marketId, id, new ActiveOrderEntry(c.prioritySeq(), c.remaining())));
                        plan.touched.add(new RepairPlan.AccountMarket(c.accountId(), marketId));
                    }
                    continue;
                }
                OrderRecord o = records[i];
                Inconsistency problem = classify(o, marketId);
                report.found(problem, id);
                plan.deletes.add(new RepairPlan.EntryDelete(marketId, id));
                if (problem != Inconsistency.MISSING_ORDER) {
                    plan.touched.add(new RepairPlan.AccountMarket(o.accountId(), o.marketId()));
                    if (problem == Inconsistency.ZERO_REMAINING) {
                        plan.orders.add(o.withStatus(OrderStatus.FILLED, o.updatedHeight()));
                    }
                }
            }
            candidates = null;
            records = null;
            report.restored(marketId, valid.size());
        }
    }

    // ---------------------------------------------------------------- from a snapshot

    private static RecoveryReport fromSnapshot(Engine engine, BookSnapshot snap, RecoveryOptions options, long start) {
        StateStore store = engine.store();
        engine.resetForRecovery();
        Set<Integer> markets = new HashSet<>(engine.marketIds());
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
            List<byte[]> changed;
            try {
                changed = store.changedKeys(snap.version(), latest);
            } catch (RuntimeException e) {
                throw new SnapshotUnusableException("cannot list changes since height " + snap.version() + ": " + e.getMessage());
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
        checkTouched(store, books, touchedOrders);
        long restored = 0;
        for (List<RestingOrder> orders : books.values()) {
            restored += orders.size();
        }
        if (restored != engine.counters().activeOrders()) {
            throw new SnapshotUnusableException("snapshot + catch-up gives " + restored + " resting orders but state counts "
                    + engine.counters().activeOrders() + " (an Active order may have lost its index entry)");
        }
        RecoveryReport.Builder report = new RecoveryReport.Builder();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), markets.size())));
        try {
            List<Future<?>> installs = new ArrayList<>();
            for (Map.Entry<Integer, List<RestingOrder>> e : books.entrySet()) {
                installs.add(pool.submit(() -> engine.installRestored(e.getKey(), e.getValue())));
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
            throw rethrow(e);
        } finally {
            pool.shutdownNow();
        }
        String mismatch = verify(engine);
        if (mismatch != null) {
            throw new SnapshotUnusableException("snapshot + catch-up disagrees with the ActiveOrder index: " + mismatch);
        }
        engine.indexRestored(List.copyOf(books.values()));
        for (Map.Entry<Integer, List<RestingOrder>> e : books.entrySet()) {
            report.restored(e.getKey(), e.getValue().size());
        }
        report.method = method;
        return report.build(System.nanoTime() - start);
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
        Map<Long, RestingOrder> held = new java.util.HashMap<>();
        for (List<RestingOrder> orders : books.values()) {
            for (RestingOrder o : orders) {
                if (touched.contains(o.orderId())) {
                    held.put(o.orderId(), o);
                }
            }
        }
        List<Long> ids = touched.stream().sorted().toList();
        for (int from = 0; from < ids.size(); from += MULTI_GET_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MULTI_GET_CHUNK));
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

    // ---------------------------------------------------------------- verification

    /**
     * Compares each market's book with its ActiveOrder index (count and digest of id, remaining,
     * priority); returns a description of the first disagreement, or null.
     */
    public static String verify(Engine engine) {
        // Markets are independent: compare them in parallel, report the lowest market id that differs.
        return engine.marketIds().parallelStream().map(m -> verifyMarket(engine, m))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Compares each book with the index entries recovery loaded for it (no repair was committed since). */
    private static String verifyAgainst(Engine engine, Map<Integer, MarketLoad> loads) {
        return loads.values().parallelStream().map(load -> compare(engine, load.marketId, load.indexDigest()))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private static String verifyMarket(Engine engine, int m) {
        return compare(engine, m, indexDigest(engine.store(), m));
    }

    private static String compare(Engine engine, int m, BookDigest fromIndex) {
        BookDigest.Accumulator book = new BookDigest.Accumulator();
        engine.book(m).forEachOrder((id, owner, side, price, remaining, seq) -> book.add(id, remaining, seq));
        if (!book.result().equals(fromIndex)) {
            return "market " + m + ": book has " + book.count + " orders (digest " + Long.toHexString(book.digest)
                    + "), index has " + fromIndex.count() + " (digest " + Long.toHexString(fromIndex.digest()) + ")";
        }
        return null;
    }

    static BookDigest indexDigest(StateStore store, int marketId) {
        BookDigest.Accumulator acc = new BookDigest.Accumulator();
        scanIndex(store, marketId, (id, seq, remaining) -> acc.add(id, remaining, seq));
        return acc.result();
    }

    /** What an ActiveOrder entry says: its order, priority and remaining size. */
    interface EntryVisitor {
        void entry(long orderId, long prioritySeq, long remaining);
    }

    /**
     * Visits a market's ActiveOrder entries in id order, read in place (fixed layouts: tag, market
     * u32, order u64 / format, seq i64, remaining i64): this runs over every resting order in each
     * recovery and each health check.
     */
    static void scanIndex(StateStore store, int marketId, EntryVisitor visitor) {
        store.scanPrefixInPlace(StateKey.ActiveOrder.marketPrefix(marketId), (k, v) -> {
            if (k.limit() != 13 || v.limit() != 17) {
                throw new IllegalStateException("malformed ActiveOrder entry of " + k.limit() + "/" + v.limit() + " bytes");
            }
            ActiveOrderEntry.checkFormat(v);
            visitor.entry(k.getLong(5), v.getLong(1), v.getLong(9));
        });
    }

    private static RuntimeException rethrow(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("recovery failed", c);
    }

    /** A snapshot that cannot be used; recovery falls back to state. */
    static final class SnapshotUnusableException extends RuntimeException {
        SnapshotUnusableException(String message) {
            super(message);
        }
    }

    /** A growable primitive list of longs. */
    static final class LongList {
        private long[] a = new long[64];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
