package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryRefusedException;
import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kind of inconsistency between the ActiveOrder index and the order records, injected into a
 * real RocksDB state: a restart heals it with a committed repair block and counts it; strict
 * recovery refuses instead and changes nothing. Runs once per way of reading the order records
 * (lookups by key, and the pass over all records).
 */
@ParameterizedClass
@EnumSource(value = RecoveryOptions.OrderReads.class, names = {"LOOKUP", "SCAN"})
class RecoveryTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    private final RecoveryOptions options;

    RecoveryTest(RecoveryOptions.OrderReads reads) {
        this.options = RecoveryOptions.fromState().withOrderReads(reads);
    }

    private RecoveryReport recover(Engine engine) {
        return engine.recover(options);
    }

    @TempDir
    Path dir;

    private long bid;
    private long ask;
    private long filled;

    @BeforeEach
    void tradeABit() {
        try (StateManager store = StateManager.open(dir, CFG)) {
            EngineFixture f = new EngineFixture(store).withMarketAndMoney("alice", "bob");
            f.one(new io.dexnode.engine.tx.Tx.CreateMarket(null, 0,
                    new io.dexnode.engine.schema.MarketParams(2, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500)));
            bid = f.one(gtc("alice", BUY, 99, 5)).orderId();
            ask = f.one(gtc("bob", SELL, 101, 5)).orderId();
            filled = f.one(gtc("bob", SELL, 99, 2)).orderId();
            f.one(gtc("alice", BUY, 98, 1));
        }
    }

    /** Commits raw writes behind the engine's back, as corruption would. */
    private void corrupt(BiConsumer<StateManager, WriteSet> change) {
        try (StateManager store = StateManager.open(dir, CFG)) {
            WriteSet ws = new WriteSet();
            change.accept(store, ws);
            store.commit(store.latestVersion() + 1, ws, null);
        }
    }

    private static OrderRecord order(StateManager s, long id) {
        return OrderRecord.decode(s.get(new StateKey.Order(id).encode()));
    }

    private RecoveryReport restartAndCheckHealed(Inconsistency kind, long orderId) {
        RecoveryReport report;
        try (StateManager store = StateManager.open(dir, CFG)) {
            long before = store.latestVersion();
            Engine engine = new Engine(store);
            report = recover(engine);
            assertThat(report.inconsistencies()).containsKey(kind);
            assertThat(report.inconsistencies().get(kind)).contains(orderId);
            assertThat(report.repairHeight()).isEqualTo(before + 1);
            assertThat(store.latestVersion()).isEqualTo(before + 1);
            assertThat(BlockRecords.body(store, before + 1)).contains("\"repair\"", kind.metricName());
            assertThat(engine.bookMismatches()).isEmpty();
        }
        try (StateManager store = StateManager.open(dir, CFG)) {
            RecoveryReport again = recover(new Engine(store));
            assertThat(again.clean()).as("the repair is durable: %s", again.describeInconsistencies()).isTrue();
        }
        return report;
    }

    private void strictRefuses(Inconsistency kind) {
        try (StateManager store = StateManager.open(dir, CFG)) {
            long before = store.latestVersion();
            byte[] root = store.latestRoot();
            Engine engine = new Engine(store);
            assertThatThrownBy(() -> engine.recover(options.withStrict(true)))
                    .isInstanceOf(RecoveryRefusedException.class).hasMessageContaining(kind.metricName());
            assertThat(store.latestVersion()).isEqualTo(before);
            assertThat(store.latestRoot()).isEqualTo(root);
        }
    }

    @Test
    void cleanStateRecoversWithoutRepairs() {
        try (StateManager store = StateManager.open(dir, CFG)) {
            long before = store.latestVersion();
            Engine engine = new Engine(store);
            RecoveryReport r = recover(engine);
            assertThat(r.clean()).isTrue();
            assertThat(r.method()).isEqualTo(RecoveryReport.Method.STATE);
            assertThat(r.totalOrders()).isEqualTo(3);
            assertThat(store.latestVersion()).isEqualTo(before);
            assertThat(engine.depth(BTC, 5).bids()).isDeepEqualTo(new long[][] {{99, 3}, {98, 1}});
        }
    }

    @Test
    void indexEntryForAMissingOrderIsRemoved() {
        corrupt((s, ws) -> ws.delete(new StateKey.Order(bid).encode()));
        strictRefuses(Inconsistency.MISSING_ORDER);
        restartAndCheckHealed(Inconsistency.MISSING_ORDER, bid);
    }

    @Test
    void indexEntryForAFilledOrderIsRemoved() {
        corrupt((s, ws) -> ws.put(new StateKey.Order(ask).encode(), order(s, ask).withStatus(OrderStatus.FILLED, 1).encode()));
        strictRefuses(Inconsistency.FILLED_ORDER);
        restartAndCheckHealed(Inconsistency.FILLED_ORDER, ask);
        try (StateManager store = StateManager.open(dir, CFG)) {
            Engine engine = new Engine(store);
            recover(engine);
            assertThat(engine.depth(BTC, 5).asks()).isEmpty();
            long bob = new StateQueries(store).accountByName("bob").accountId();
            PositionRecord p = new StateQueries(store).position(bob, BTC);
            assertThat(p.openSellSize()).as("exposure of the removed order is released").isZero();
        }
    }

    @Test
    void indexEntryForACancelledOrderIsRemoved() {
        corrupt((s, ws) -> ws.put(new StateKey.Order(ask).encode(), order(s, ask).withStatus(OrderStatus.CANCELLED, 1).encode()));
        strictRefuses(Inconsistency.CANCELLED_ORDER);
        restartAndCheckHealed(Inconsistency.CANCELLED_ORDER, ask);
    }

    @Test
    void indexEntryForAnOrderWithNothingRemainingIsRemovedAndTheOrderMarkedFilled() {
        corrupt((s, ws) -> {
            OrderRecord o = order(s, ask);
            ws.put(new StateKey.Order(ask).encode(), o.withAmend(o.price(), o.size(), 0, o.prioritySeq(), 1).encode());
        });
        strictRefuses(Inconsistency.ZERO_REMAINING);
        restartAndCheckHealed(Inconsistency.ZERO_REMAINING, ask);
        try (StateManager store = StateManager.open(dir, CFG)) {
            assertThat(order(store, ask).status()).isEqualTo(OrderStatus.FILLED);
        }
    }

    @Test
    void indexEntryUnderTheWrongMarketIsRemoved() {
        corrupt((s, ws) -> ws.put(new StateKey.ActiveOrder(2, ask).encode(), new ActiveOrderEntry(order(s, ask).prioritySeq(), 5).encode()));
        strictRefuses(Inconsistency.WRONG_MARKET);
        restartAndCheckHealed(Inconsistency.WRONG_MARKET, ask);
        try (StateManager store = StateManager.open(dir, CFG)) {
            Engine engine = new Engine(store);
            recover(engine);
            assertThat(engine.depth(BTC, 5).asks()).isDeepEqualTo(new long[][] {{101, 5}});
            assertThat(engine.depth(2, 5).asks()).isEmpty();
        }
    }

    @Test
    void indexEntryThatDisagreesWithItsOrderIsRewritten() {
        corrupt((s, ws) -> ws.put(new StateKey.ActiveOrder(BTC, ask).encode(), new ActiveOrderEntry(1, 4).encode()));
        strictRefuses(Inconsistency.ENTRY_MISMATCH);
        restartAndCheckHealed(Inconsistency.ENTRY_MISMATCH, ask);
    }

    @Test
    void activeOrderWithoutAnIndexEntryIsReindexedAndRests() {
        corrupt((s, ws) -> ws.delete(new StateKey.ActiveOrder(BTC, ask).encode()));
        strictRefuses(Inconsistency.ORPHANED_ACTIVE_ORDER);
        restartAndCheckHealed(Inconsistency.ORPHANED_ACTIVE_ORDER, ask);
        try (StateManager store = StateManager.open(dir, CFG)) {
            Engine engine = new Engine(store);
            recover(engine);
            assertThat(engine.depth(BTC, 5).asks()).isDeepEqualTo(new long[][] {{101, 5}});
        }
    }

    @Test
    void filledOrderIsNotRestored() {
        try (StateManager store = StateManager.open(dir, CFG)) {
            Engine engine = new Engine(store);
            recover(engine);
            assertThat(engine.book(BTC).contains(filled)).isFalse();
            assertThat(engine.book(BTC).contains(bid)).isTrue();
        }
    }
}
