package io.dexnode.engine.recovery;

import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds every book from committed state: scan each market's ActiveOrder prefix, read the order
 * records (by key, or by one pass over all of them), keep the valid ones and restore them in
 * priority order; markets load in parallel. Every inconsistency is collected into a repair plan
 * and committed as one repair block (or, when strict, refused). The books are then verified
 * against the index.
 */
final class StateRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StateRecovery.class);

    private StateRecovery() {
    }

    static RecoveryReport recover(RecoveryTarget target, RecoveryOptions options, long start, String note) {
        StateStore store = target.store();
        target.reset();
        List<Integer> markets = target.marketIds();
        RecoveryReport.Builder report = new RecoveryReport.Builder();
        report.snapshotNote = note;
        RepairPlan plan = new RepairPlan();
        Map<Integer, MarketLoad> loads = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), markets.size() + 1)));
        try {
            CountersRecord counters = target.counters();
            boolean scanAll = scansOrders(options, counters, liveOrderRecords(store, counters));
            List<Future<MarketLoad>> futures = new ArrayList<>();
            for (int m : markets) {
                futures.add(pool.submit(() -> scanAll ? MarketLoad.indexOnly(store, m) : MarketLoad.load(store, m)));
            }
            for (Future<MarketLoad> f : futures) {
                MarketLoad load = f.get();
                loads.put(load.marketId, load);
            }
            Map<Integer, List<RestingOrder>> resting = scanAll
                    ? OrderHistoryScan.restingOrders(store, counters.nextOrderId() - 1, pool, options.threads()) : null;
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
                if (options.scanOrphans() || !plan.isEmpty() || restingCount(loads) != counters.activeOrders()) {
                    resting = OrderHistoryScan.restingOrders(store, counters.nextOrderId() - 1, pool, options.threads());
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
            if (plan.isEmpty() && restingCount(loads) != counters.activeOrders()) {
                // Nothing else wrong, only the count (the node's consistency check would fail on it).
                plan.countWrong = true;
                report.found(Inconsistency.RESTING_COUNT, counters.activeOrders());
            }
            PendingRepair repairNow = null;
            if (!plan.isEmpty()) {
                RecoveryReport found = report.build(System.nanoTime() - start);
                if (options.strict()) {
                    throw new RecoveryRefusedException(found);
                }
                for (Map.Entry<Inconsistency, List<Long>> e : found.inconsistencies().entrySet()) {
                    LOG.warn("recovery {}: {} × {}: orders {}", options.deferRepairs() ? "found, repair deferred" : "repair",
                            e.getValue().size(), e.getKey().metricName(), e.getValue());
                }
                Map<Integer, List<RestingOrder>> valid = new TreeMap<>();
                loads.forEach((m, load) -> valid.put(m, load.valid));
                if (options.deferRepairs()) {
                    report.pendingRepair = new PendingRepair(plan, valid, found);
                } else {
                    repairNow = new PendingRepair(plan, valid, found);
                }
            }
            install(target, pool, loads);
            if (repairNow != null) {
                // After the books and the order index are in: the repair block's end-of-block risk
                // pass reads marks from the books and cancels a liquidated account's orders through
                // the index — as the deferred repair, committed later, does (the same root).
                report.repairHeight = RepairBlock.commit(target, repairNow.plan, repairNow.resting, repairNow.found);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("recovery interrupted", e);
        } catch (ExecutionException e) {
            throw OrderbookRecovery.unwrap(e);
        } finally {
            pool.shutdownNow();
        }
        // Without a repair block the index is exactly what was loaded, so its digest is known;
        // after repairs it is read again.
        // A deferred repair leaves the books as the repair will: the index does not say so yet.
        String mismatch = report.pendingRepair != null ? null
                : report.repairHeight == 0 ? BookVerifier.verifyAgainst(target, loads.values()) : BookVerifier.verify(target);
        if (mismatch != null) {
            throw new IllegalStateException("recovered books disagree with the ActiveOrder index: " + mismatch);
        }
        report.method = Method.STATE;
        return report.build(System.nanoTime() - start);
    }

    /** The orders the loads will rest (index entries found valid, orphans added back). */
    private static long restingCount(Map<Integer, MarketLoad> loads) {
        long n = 0;
        for (MarketLoad load : loads.values()) {
            n += load.valid.size();
        }
        return n;
    }

    private static void install(RecoveryTarget target, ExecutorService pool, Map<Integer, MarketLoad> loads)
            throws InterruptedException, ExecutionException {
        List<Future<?>> installs = new ArrayList<>();
        for (MarketLoad load : loads.values()) {
            installs.add(pool.submit(() -> target.install(load.marketId, load.valid)));
        }
        for (Future<?> f : installs) {
            f.get();
        }
        target.index(loads.values().stream().map(load -> load.valid).toList());
    }

    /**
     * Whether to read the order records by one pass over those in the tree rather than by key:
     * when asked, or (AUTO) when there are enough for the pass to pay and they are at most a few
     * times the resting orders (the pass reads every record in the tree; lookups read only resting
     * ones, but at random). Finished orders leave the tree {@code archiveAfterBlocks} blocks after
     * they finish, so the records in the tree are the resting orders and those finished in the last
     * N blocks, whatever the history's size: the pass reads history only on a chain that never
     * archives (N = 0) or that finished more than five times its resting orders in N blocks.
     */
    private static boolean scansOrders(RecoveryOptions options, CountersRecord counters, long inTree) {
        return switch (options.reads()) {
            case SCAN -> true;
            case LOOKUP -> false;
            case AUTO -> inTree >= 65_536 && inTree <= 6 * Math.max(1, counters.activeOrders());
        };
    }

    /** The order records in the tree: every order placed (ids come from a counter) but those archived. */
    static long liveOrderRecords(StateStore store, CountersRecord counters) {
        byte[] head = store.get(new StateKey.ArchiveHead().encode());
        return counters.nextOrderId() - 1 - (head == null ? 0 : ArchiveHeadRecord.decode(head).totalArchived());
    }

    /** The ids of resting orders per market (checked against the markets that exist). */
    private static Map<Integer, long[]> idsByMarket(Map<Integer, List<RestingOrder>> resting) {
        Map<Integer, long[]> ids = new TreeMap<>();
        resting.forEach((m, orders) -> ids.put(m, orders.stream().mapToLong(RestingOrder::orderId).toArray()));
        return ids;
    }
}
