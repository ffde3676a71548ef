package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.Side;
import io.dexnode.engine.history.HistoryQueries;
import io.dexnode.engine.history.HistoryQueries.OrderView;
import io.dexnode.engine.history.TradeRecord;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Archival against a model built from what the blocks reported (placements, the risk pass's
 * orders, order updates, fills), which knows nothing of queues or heads: after every block the tree's order records are exactly the active orders and the
 * finished ones younger than {@code archiveAfterBlocks}; every order ever placed is found, live or
 * archived, with the last record the tree held, archived by the block N after it finished; each
 * account's order pages and each market's trade pages list exactly what the model saw, newest first.
 */
class ArchivalModelTest {
    private static final int BLOCKS = 220;

    /**
     * What the blocks said about one order: its placement (a {@code place} transaction's, or a
     * liquidation's order against the book, which the risk pass's {@link RiskEvent.BookClose}
     * names), the fills naming it, when it finished.
     */
    private static final class Known {
        final long accountId;
        final int market;
        final Side side;
        final long placedAt;
        long filledByFills;
        OrderStatus status = OrderStatus.ACTIVE;
        long finishedAt;
        OrderRecord lastInTree;

        Known(long accountId, int market, Side side, long placedAt) {
            this.accountId = accountId;
            this.market = market;
            this.side = side;
            this.placedAt = placedAt;
        }
    }

    @ParameterizedTest(name = "seed {0}, archiveAfterBlocks {1}")
    @CsvSource({"1, 1", "2, 2", "3, 5", "4, 17", "5, 0"})
    void theTreeHoldsTheActiveAndRecentlyFinishedOrdersAndEveryOrderIsFound(long seed, int after) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        HistoryQueries history = new HistoryQueries(store);
        RandomBlocks gen = new RandomBlocks(seed, 6, 14, after);
        TreeMap<Long, Known> orders = new TreeMap<>();
        Map<Integer, List<Long>> tradesByMarket = new TreeMap<>();
        for (int i = 0; i < BLOCKS; i++) {
            Block b = gen.next();
            BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
            long h = b.height();
            for (TxResult t : r.results()) {
                if (t.accepted() && t.tx() instanceof Tx.Place p) {
                    orders.put(t.orderId(), new Known(t.accountId(), p.market(), p.side(), h));
                }
            }
            for (RiskEvent e : r.riskEvents()) {
                if (e instanceof RiskEvent.BookClose c && c.orderId() != 0) {
                    orders.put(c.orderId(), new Known(c.accountId(), c.market(), c.side(), h));
                }
            }
            for (OrderUpdate u : r.orderUpdates()) {
                Known k = orders.get(u.orderId());
                if (u.status() != OrderStatus.ACTIVE && k.status == OrderStatus.ACTIVE) {
                    k.status = u.status();
                    k.finishedAt = h;
                }
            }
            for (Fill f : r.fills()) {
                orders.get(f.makerOrderId()).filledByFills += f.size();
                orders.get(f.takerOrderId()).filledByFills += f.size();
                tradesByMarket.computeIfAbsent(f.market(), m -> new ArrayList<>()).add(f.tradeId());
            }
            TreeSet<Long> expected = new TreeSet<>();
            orders.forEach((id, k) -> {
                if (k.status == OrderStatus.ACTIVE || after == 0 || k.finishedAt > h - after) {
                    expected.add(id);
                }
            });
            TreeSet<Long> inTree = new TreeSet<>();
            store.scanPrefix(new byte[] {StateKey.TAG_ORDER}, (key, value) -> {
                OrderRecord o = OrderRecord.decode(value);
                inTree.add(o.orderId());
                orders.get(o.orderId()).lastInTree = o;
            });
            assertThat(inTree).as("order records in the tree after block %d", h).isEqualTo(expected);
        }
        long next = CountersRecord.decode(store.get(new StateKey.Counters().encode())).nextOrderId();
        assertThat(orders.keySet()).as("ids handed out").containsExactlyElementsOf(range(1, next));
        long h = store.latestVersion();
        int archived = 0;
        for (Map.Entry<Long, Known> e : orders.entrySet()) {
            Known k = e.getValue();
            OrderView v = history.order(e.getKey());
            assertThat(v).as("order %d is found", e.getKey()).isNotNull();
            assertThat(v.order()).as("order %d's final record", e.getKey()).isEqualTo(k.lastInTree);
            assertThat(v.order().status()).isEqualTo(k.status);
            // the final record agrees with what the model tallied itself, not only with the tree
            OrderRecord last = v.order();
            assertThat(last.accountId()).isEqualTo(k.accountId);
            assertThat(last.marketId()).isEqualTo(k.market);
            assertThat(last.side()).isEqualTo(k.side);
            assertThat(last.createdHeight()).isEqualTo(k.placedAt);
            assertThat(last.filled()).as("order %d's filled size, as its fills add up", e.getKey()).isEqualTo(k.filledByFills);
            if (k.status == OrderStatus.FILLED) {
                assertThat(last.remaining()).isZero();
            }
            if (k.status != OrderStatus.ACTIVE) {
                assertThat(last.updatedHeight()).as("order %d finished at", e.getKey()).isEqualTo(k.finishedAt);
            }
            boolean gone = k.status != OrderStatus.ACTIVE && after > 0 && k.finishedAt <= h - after;
            assertThat(v.archived()).as("order %d archived", e.getKey()).isEqualTo(gone);
            if (gone) {
                archived++;
                assertThat(v.archivedHeight()).isEqualTo(k.finishedAt + after);
            }
        }
        if (after > 0) {
            assertThat(archived).as("orders archived over the run").isGreaterThan(100);
        }
        for (long account = 1; account <= 6; account++) {
            long a = account;
            List<Long> mine = orders.descendingMap().entrySet().stream().filter(e -> e.getValue().accountId == a)
                    .map(Map.Entry::getKey).toList();
            assertThat(allOrders(history, a, null)).as("account %d's orders", a).isEqualTo(mine);
            for (OrderStatus s : OrderStatus.values()) {
                List<Long> withStatus = mine.stream().filter(id -> orders.get(id).status == s).toList();
                assertThat(allOrders(history, a, s)).as("account %d's %s orders", a, s).isEqualTo(withStatus);
            }
        }
        tradesByMarket.forEach((market, ids) -> {
            List<Long> newestFirst = ids.stream().sorted(Comparator.reverseOrder()).toList();
            assertThat(allTrades(history, market)).as("market %d's trades", market).isEqualTo(newestFirst);
        });
        assertThat(engine.consistencyProblem()).isNull();
    }

    private static List<Long> range(long from, long toExclusive) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < toExclusive; i++) {
            out.add(i);
        }
        return out;
    }

    /** Every page of an account's orders, 5 at a time. */
    private static List<Long> allOrders(HistoryQueries history, long account, OrderStatus status) {
        List<Long> out = new ArrayList<>();
        Long before = null;
        do {
            HistoryQueries.Page<OrderView> page = history.accountOrders(account, status, before, 5);
            page.items().forEach(v -> out.add(v.order().orderId()));
            before = page.next() == null ? null : Long.parseLong(page.next());
        } while (before != null);
        return out;
    }

    private static List<Long> allTrades(HistoryQueries history, int market) {
        List<Long> out = new ArrayList<>();
        Long before = null;
        do {
            HistoryQueries.Page<TradeRecord> page = history.marketTrades(market, before, 7);
            page.items().forEach(t -> out.add(t.fill().tradeId()));
            before = page.next() == null ? null : Long.parseLong(page.next());
        } while (before != null);
        return out;
    }
}
