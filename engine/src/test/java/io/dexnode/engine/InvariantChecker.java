package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookView;
import io.dexnode.book.Side;
import io.dexnode.engine.risk.AccountHealth;
import io.dexnode.engine.risk.MarkPrice;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.StateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the engine's invariants against a full scan of committed state: index ⇔ status ⇔ book,
 * open-order exposure equals the resting orders, each account's count of resting orders per
 * market (what the cap is judged by) equals its resting orders there and is within the market's
 * cap, collateral conservation (Σ collateral + Σ insurance funds − Σ entry notional = deposits −
 * withdrawals), positions netting to zero per market, each market's stored mark being the mark
 * of its index (or last) price and book, and no account below maintenance margin at those marks.
 */
final class InvariantChecker {
    private long deposited;

    /** Feed every block result so accepted deposits and withdrawals are counted. */
    void observe(BlockResult result) {
        for (TxResult r : result.results()) {
            if (r.accepted() && r.tx() instanceof Tx.Deposit d) {
                deposited += d.amount();
            } else if (r.accepted() && r.tx() instanceof Tx.Withdraw w) {
                deposited -= w.amount();
            }
        }
    }

    void check(Engine engine, StateStore store) {
        TreeMap<Long, OrderRecord> orders = new TreeMap<>();
        store.scanPrefix(new byte[] {StateKey.TAG_ORDER}, (k, v) -> {
            OrderRecord o = OrderRecord.decode(v);
            orders.put(o.orderId(), o);
        });
        Map<Long, ActiveOrderEntry> index = new HashMap<>();
        store.scanPrefix(StateKey.ActiveOrder.indexPrefix(), (k, v) -> {
            StateKey.ActiveOrder e = (StateKey.ActiveOrder) StateKey.decode(k);
            OrderRecord o = orders.get(e.orderId());
            assertThat(o).as("index entry %s names an existing order", e).isNotNull();
            assertThat(o.marketId()).as("index entry %s is under the order's market", e).isEqualTo(e.marketId());
            index.put(e.orderId(), ActiveOrderEntry.decode(v));
        });
        Map<String, long[]> exposure = new HashMap<>();
        Map<String, Integer> resting = new HashMap<>();
        int active = 0;
        for (OrderRecord o : orders.values()) {
            boolean shouldIndex = o.status() == OrderStatus.ACTIVE && o.remaining() > 0;
            assertThat(index.containsKey(o.orderId())).as("index entry of order %s (%s)", o.orderId(), o)
                    .isEqualTo(shouldIndex);
            assertThat(o.remaining()).as("remaining of %s", o).isBetween(0L, o.size());
            assertThat(o.filled() + o.remaining()).as("size of %s is what filled and what remains", o).isEqualTo(o.size());
            if (o.status() == OrderStatus.FILLED) {
                assertThat(o.remaining()).isZero();
            }
            BookView book = engine.book(o.marketId());
            assertThat(book.contains(o.orderId())).as("book holds order %s", o.orderId()).isEqualTo(shouldIndex);
            if (shouldIndex) {
                active++;
                assertThat(index.get(o.orderId())).isEqualTo(new ActiveOrderEntry(o.prioritySeq(), o.remaining()));
                assertThat(book.remaining(o.orderId())).isEqualTo(o.remaining());
                assertThat(book.price(o.orderId())).isEqualTo(o.price());
                assertThat(book.prioritySeq(o.orderId())).isEqualTo(o.prioritySeq());
                resting.merge(o.accountId() + "/" + o.marketId(), 1, Integer::sum);
                long[] e = exposure.computeIfAbsent(o.accountId() + "/" + o.marketId(), x -> new long[4]);
                int at = o.side() == Side.BUY ? 0 : 2;
                e[at] += o.remaining();
                e[at + 1] += o.remaining() * o.price();
            }
        }
        int booked = 0;
        for (MarketParams m : engine.markets()) {
            booked += engine.book(m.marketId()).orderCount();
        }
        assertThat(booked).as("orders resting in books").isEqualTo(active);
        byte[] counters = store.get(new StateKey.Counters().encode());
        assertThat(counters == null ? 0 : io.dexnode.engine.schema.CountersRecord.decode(counters).activeOrders())
                .as("resting-order count in state").isEqualTo(active);

        long[] collateral = {0};
        store.scanPrefix(new byte[] {StateKey.TAG_ACCOUNT}, (k, v) -> {
            AccountRecord a = AccountRecord.decode(v);
            collateral[0] += a.collateral();
            for (MarketParams m : engine.markets()) {
                int expected = resting.getOrDefault(a.accountId() + "/" + m.marketId(), 0);
                assertThat(engine.openOrders(a.accountId(), m.marketId()))
                        .as("resting orders of account %s in market %s, as the cap counts them", a.accountId(), m.marketId())
                        .isEqualTo(expected);
                assertThat(expected).as("resting orders of account %s in market %s", a.accountId(), m.marketId())
                        .isLessThanOrEqualTo(m.maxOpenOrders());
            }
        });
        long[] entry = {0};
        Map<Integer, Long> net = new TreeMap<>();
        store.scanPrefix(new byte[] {StateKey.TAG_POSITION}, (k, v) -> {
            StateKey.Position key = (StateKey.Position) StateKey.decode(k);
            PositionRecord p = PositionRecord.decode(v);
            entry[0] += p.entryNotional();
            net.merge(key.marketId(), p.size(), Long::sum);
            long[] e = exposure.getOrDefault(key.accountId() + "/" + key.marketId(), new long[4]);
            assertThat(new long[] {p.openBuySize(), p.openBuyNotional(), p.openSellSize(), p.openSellNotional()})
                    .as("open exposure of %s", key).containsExactly(e);
        });
        long[] funds = {0};
        Map<Integer, Long> marks = new TreeMap<>();
        for (MarketParams m : engine.markets()) {
            byte[] raw = store.get(new StateKey.MarketRisk(m.marketId()).encode());
            assertThat(raw).as("risk state of market %s", m.marketId()).isNotNull();
            MarketRiskRecord r = MarketRiskRecord.decode(raw);
            assertThat(r.insuranceFund()).as("insurance fund of market %s", m.marketId()).isNotNegative();
            funds[0] += r.insuranceFund();
            BookView book = engine.book(m.marketId());
            byte[] stats = store.get(new StateKey.MarketStats(m.marketId()).encode());
            long last = stats == null ? 0 : MarketStatsRecord.decode(stats).lastPrice();
            assertThat(r.markPrice()).as("stored mark of market %s is the mark of its index, last price and book", m.marketId())
                    .isEqualTo(MarkPrice.of(MarkPrice.reference(r.indexPrice(), last), book.bestBid(), book.bestAsk()));
            marks.put(m.marketId(), r.markPrice());
        }
        assertThat(collateral[0] + funds[0] - entry[0])
                .as("Σ collateral + Σ insurance funds − Σ entry notional = deposits − withdrawals")
                .isEqualTo(deposited);
        net.forEach((market, size) -> assertThat(size).as("net position in market %s", market).isZero());
        checkNoAccountBelowMaintenance(engine, store, marks);
    }

    /**
     * After a block, at the marks it stored: every account's equity is at least its maintenance
     * margin (so never negative), and an account without positions has no negative collateral. The
     * fee account, the exchange's own, is not a trader's: it may carry bad debt no fund could pay.
     */
    static void checkNoAccountBelowMaintenance(Engine engine, StateStore store, Map<Integer, Long> marks) {
        Map<Integer, MarketParams> params = new TreeMap<>();
        engine.markets().forEach(m -> params.put(m.marketId(), m));
        store.scanPrefix(new byte[] {StateKey.TAG_ACCOUNT}, (k, v) -> {
            AccountRecord a = AccountRecord.decode(v);
            if (a.accountId() == Engine.FEE_ACCOUNT_ID) {
                return; // the exchange's own account: the last backstop of a deficit, it may carry bad debt
            }
            int[] ids = a.markets();
            long[] sizes = new long[ids.length];
            long[] entries = new long[ids.length];
            long[] at = new long[ids.length];
            int[] bps = new int[ids.length];
            boolean flat = true;
            for (int i = 0; i < ids.length; i++) {
                byte[] raw = store.get(new StateKey.Position(a.accountId(), ids[i]).encode());
                PositionRecord p = raw == null ? PositionRecord.EMPTY : PositionRecord.decode(raw);
                sizes[i] = p.size();
                entries[i] = p.entryNotional();
                at[i] = marks.get(ids[i]);
                bps[i] = params.get(ids[i]).maintenanceMarginBps();
                flat &= p.size() == 0;
            }
            AccountHealth h = new AccountHealth(a.collateral(), sizes, entries, at, bps);
            assertThat(h.below()).as("account %s (%s) is below maintenance after the block: equity %s, maintenance %s",
                    a.accountId(), a.name(), h.equity(), h.maintenanceMargin()).isFalse();
            if (flat) {
                assertThat(a.collateral()).as("collateral of account %s, which holds no position", a.accountId()).isNotNegative();
            }
        });
    }
}
