package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.recovery.BookSnapshotLoader;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryRefusedException;
import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A warm snapshot must never hide what a rebuild from state would find: state changed behind the
 * engine's back after the snapshot was taken is repaired exactly as without a snapshot; a
 * snapshot with any damaged bit is refused; edge cases (no markets, no orders, a restart right
 * after a repair) recover as a rebuild from state does.
 */
class WarmSnapshotRecoveryTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    private long bid;
    private long ask;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path snaps() {
        return tmp.resolve("snapshots");
    }

    private RecoveryOptions withSnapshots() {
        return RecoveryOptions.fromState().withSnapshots(snaps());
    }

    /** Two markets, a few resting orders, one filled order; a warm snapshot of the books at the latest height. */
    @BeforeEach
    void tradeAndSnapshot() {
        try (StateManager store = StateManager.open(data(), CFG)) {
            EngineFixture f = new EngineFixture(store).withMarketAndMoney("alice", "bob");
            f.one(new Tx.CreateMarket(null, 0, new MarketParams(2, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500)));
            bid = f.one(gtc("alice", BUY, 99, 5)).orderId();
            ask = f.one(gtc("bob", SELL, 101, 5)).orderId();
            f.one(gtc("bob", SELL, 99, 2));
            f.one(gtc("alice", BUY, 98, 1));
            BookSnapshotWriter.write(f.engine, snaps());
        }
    }

    /** Commits raw writes behind the engine's back, as corruption (or a bug) would, after the snapshot. */
    private void corrupt(BiConsumer<StateManager, WriteSet> change) {
        try (StateManager store = StateManager.open(data(), CFG)) {
            WriteSet ws = new WriteSet();
            change.accept(store, ws);
            store.commit(store.latestVersion() + 1, ws, null);
        }
    }

    private static OrderRecord order(StateManager s, long id) {
        return OrderRecord.decode(s.get(new StateKey.Order(id).encode()));
    }

    private static Map<Integer, List<String>> books(Engine engine) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (MarketParams m : engine.markets()) {
            out.put(m.marketId(), DeterminismTest.l3(engine.book(m.marketId())));
        }
        return out;
    }

    private Map<Integer, List<String>> rebuiltFromState() {
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            assertThat(engine.rebuildOrderbookFromState().clean()).isTrue();
            return books(engine);
        }
    }

    private void corruptAs(Inconsistency kind, long victim) {
        switch (kind) {
            case MISSING_ORDER -> corrupt((s, ws) -> ws.delete(new StateKey.Order(victim).encode()));
            case FILLED_ORDER -> corrupt((s, ws) -> ws.put(new StateKey.Order(victim).encode(),
                    order(s, victim).withStatus(OrderStatus.FILLED, 1).encode()));
            case CANCELLED_ORDER -> corrupt((s, ws) -> ws.put(new StateKey.Order(victim).encode(),
                    order(s, victim).withStatus(OrderStatus.CANCELLED, 1).encode()));
            case ZERO_REMAINING -> corrupt((s, ws) -> {
                OrderRecord o = order(s, victim);
                ws.put(new StateKey.Order(victim).encode(), o.withAmend(o.price(), o.size(), 0, o.prioritySeq(), 1).encode());
            });
            case WRONG_MARKET -> corrupt((s, ws) -> ws.put(new StateKey.ActiveOrder(2, victim).encode(),
                    new ActiveOrderEntry(order(s, victim).prioritySeq(), order(s, victim).remaining()).encode()));
            case ENTRY_MISMATCH -> corrupt((s, ws) -> ws.put(new StateKey.ActiveOrder(BTC, victim).encode(),
                    new ActiveOrderEntry(1, 4).encode()));
            case ORPHANED_ACTIVE_ORDER -> corrupt((s, ws) -> ws.delete(new StateKey.ActiveOrder(BTC, victim).encode()));
            case RESTING_COUNT -> corrupt((s, ws) -> {
                byte[] key = new StateKey.Counters().encode();
                io.dexnode.engine.schema.CountersRecord c = io.dexnode.engine.schema.CountersRecord.decode(s.get(key));
                ws.put(key, c.withActiveOrders(c.activeOrders() + 3).encode());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Inconsistency.class)
    void inconsistencyCommittedAfterTheSnapshotIsRepairedAsWithoutOne(Inconsistency kind) {
        corruptAs(kind, ask);
        try (StateManager store = StateManager.open(data(), CFG)) {
            long before = store.latestVersion();
            Engine engine = new Engine(store);
            assertThatThrownBy(() -> engine.recover(withSnapshots().withStrict(true)))
                    .as("--strict refuses even with a warm snapshot").isInstanceOf(RecoveryRefusedException.class)
                    .hasMessageContaining(kind.metricName());
            assertThat(store.latestVersion()).isEqualTo(before);
            RecoveryReport r = new Engine(store).recover(withSnapshots());
            assertThat(r.inconsistencies()).as("found via %s", r.method()).containsKey(kind);
            if (kind != Inconsistency.RESTING_COUNT) { // its entry is the count state held, not an order
                assertThat(r.inconsistencies().get(kind)).contains(ask);
            }
            assertThat(r.repairHeight()).isEqualTo(before + 1);
        }
        Map<Integer, List<String>> expected = rebuiltFromState();
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport again = engine.recover(withSnapshots());
            assertThat(again.clean()).as("the repair is not repeated: %s", again.describeInconsistencies()).isTrue();
            assertThat(books(engine)).isEqualTo(expected);
            assertThat(engine.consistencyProblem()).isNull();
        }
    }

    /** bid (seq s) then a newer bid at the same price; a partial fill of bid after the snapshot keeps bid first. */
    @Test
    void partiallyFilledOrderKeepsItsPlaceInTheQueueAfterCatchUp() {
        long newer;
        try (StateManager store = StateManager.open(data(), CFG)) {
            EngineFixture f = new EngineFixture(store);
            newer = f.one(gtc("bob", BUY, 99, 2)).orderId();
            BookSnapshotWriter.write(f.engine, snaps());
            f.one(gtc("bob", SELL, 99, 1)); // takes 1 from bid, the older order at 99
        }
        Map<Integer, List<String>> expected = rebuiltFromState();
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            assertThat(r.method()).isEqualTo(Method.SNAPSHOT_INCREMENTAL);
            List<Long> queue = new ArrayList<>();
            engine.book(BTC).forEachOrderAtLevel(BUY, 99, (id, owner, side, price, remaining, seq) -> queue.add(id));
            assertThat(queue).containsExactly(bid, newer);
            assertThat(books(engine)).isEqualTo(expected);
        }
    }

    @Test
    void restartRightAfterARepairBlockUsesTheSnapshotAndDoesNotRepairAgain() {
        corruptAs(Inconsistency.ORPHANED_ACTIVE_ORDER, bid);
        long repairHeight;
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            repairHeight = r.repairHeight();
            assertThat(repairHeight).isPositive();
            BookSnapshotWriter.write(engine, snaps());
        }
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            assertThat(r.method()).isEqualTo(Method.SNAPSHOT);
            assertThat(r.clean()).isTrue();
            assertThat(store.latestVersion()).isEqualTo(repairHeight);
            assertThat(engine.book(BTC).contains(bid)).isTrue();
        }
    }

    /** Every single-bit flip of a snapshot file is refused at load: never used, never partly used. */
    @Test
    void everySingleBitFlipOfASnapshotFileIsRefused() throws IOException {
        Path file;
        try (var files = Files.list(snaps())) {
            file = files.filter(p -> p.toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(file);
        Path damaged = tmp.resolve("damaged.snap");
        List<String> accepted = new ArrayList<>();
        try (StateManager store = StateManager.open(data(), CFG)) {
            assertThat(BookSnapshotLoader.load(file, store).orderCount()).isEqualTo(3);
            for (int bit = 0; bit < good.length * 8; bit++) {
                byte[] bytes = good.clone();
                bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                Files.write(damaged, bytes);
                try {
                    BookSnapshotLoader.load(damaged, store);
                    accepted.add("byte " + (bit / 8) + " bit " + (bit % 8));
                } catch (IllegalArgumentException expected) {
                    // refused, as it must be
                }
            }
        }
        assertThat(accepted).as("flips of a %d-byte snapshot that were loaded", good.length).isEmpty();
    }

    @Test
    void snapshotOfAnotherDataDirectoryAtTheSameHeightIsIgnored() throws IOException {
        Path other = tmp.resolve("other");
        long height;
        try (StateManager store = StateManager.open(data(), CFG)) {
            height = store.latestVersion();
        }
        try (StateManager store = StateManager.open(other, CFG)) {
            EngineFixture f = new EngineFixture(store).withMarketAndMoney("alice", "bob");
            while (f.height < height) {
                f.one(gtc("alice", BUY, 90 - f.height, 1));
            }
            assertThat(store.latestVersion()).isEqualTo(height);
            TestFiles.replaceSnapshots(snaps(), BookSnapshotWriter.write(f.engine, other.resolve("snaps")));
        }
        Map<Integer, List<String>> expected = rebuiltFromState();
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            assertThat(r.method()).isEqualTo(Method.STATE);
            assertThat(r.snapshotNote()).contains("another chain");
            assertThat(books(engine)).isEqualTo(expected);
        }
    }

    /** Puts {@code file} in place of every snapshot in {@code dir}. */
    private static final class TestFiles {
        static void replaceSnapshots(Path dir, Path file) throws IOException {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.copy(file, dir.resolve(file.getFileName()));
        }
    }

    @Test
    void snapshotFilePresentButUnreadableFallsBackToState() throws IOException {
        Path file;
        try (var files = Files.list(snaps())) {
            file = files.filter(p -> p.toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        Files.delete(file);
        Files.createDirectory(file); // a name that matches but cannot be read as a file
        Map<Integer, List<String>> expected = rebuiltFromState();
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            assertThat(r.method()).isEqualTo(Method.STATE);
            assertThat(r.snapshotNote()).contains("unreadable");
            assertThat(books(engine)).isEqualTo(expected);
        }
    }

    @Test
    void marketsWithoutOrdersAndNoMarketsAtAllRecoverFromASnapshot() {
        Path empty = tmp.resolve("empty");
        try (StateManager store = StateManager.open(empty, CFG)) {
            EngineFixture f = new EngineFixture(store);
            f.one(new Tx.Deposit("alice", 0, 10));
            BookSnapshotWriter.write(f.engine, empty.resolve("snaps"));
            RecoveryReport r = new Engine(store).recover(RecoveryOptions.fromState().withSnapshots(empty.resolve("snaps")));
            assertThat(r.method()).isEqualTo(Method.SNAPSHOT);
            assertThat(r.totalOrders()).isZero();
            f.one(new Tx.CreateMarket(null, 0, EngineFixture.btc()));
            BookSnapshotWriter.write(f.engine, empty.resolve("snaps"));
            Engine engine = new Engine(store);
            r = engine.recover(RecoveryOptions.fromState().withSnapshots(empty.resolve("snaps")));
            assertThat(r.method()).isEqualTo(Method.SNAPSHOT);
            assertThat(engine.marketIds()).containsExactly(BTC);
            assertThat(engine.book(BTC).orderCount()).isZero();
            assertThat(engine.consistencyProblem()).isNull();
        }
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToTheOlderIntactOne() throws IOException {
        Path newest;
        try (StateManager store = StateManager.open(data(), CFG)) {
            EngineFixture f = new EngineFixture(store);
            f.one(gtc("alice", BUY, 97, 3));
            newest = BookSnapshotWriter.write(f.engine, snaps());
        }
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        Map<Integer, List<String>> expected = rebuiltFromState();
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(withSnapshots());
            assertThat(r.method()).as("the older snapshot, caught up").isEqualTo(Method.SNAPSHOT_INCREMENTAL);
            assertThat(books(engine)).isEqualTo(expected);
        }
    }

    @Test
    void temporaryFilesACrashLeftAreRemovedByTheNextSnapshot() throws IOException {
        Path leftover = Files.writeString(snaps().resolve(BookSnapshotWriter.fileName(1) + ".tmp"), "half a snapshot");
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            engine.recover(RecoveryOptions.fromState());
            BookSnapshotWriter.write(engine, snaps());
        }
        assertThat(leftover).doesNotExist();
    }
}
