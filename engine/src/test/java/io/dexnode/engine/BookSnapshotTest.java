package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm snapshots: snapshot + catch-up gives exactly the books a rebuild from state gives; bad snapshots fall back. */
class BookSnapshotTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path snaps() {
        return tmp.resolve("snapshots");
    }

    /** Applies blocks [from, to) of a seeded stream, writing a snapshot after block {@code snapshotAt} (0 = none). */
    private static void run(Path dir, Path snapDir, long seed, int from, int to, int snapshotAt) {
        RandomBlocks gen = new RandomBlocks(seed, 6, 10);
        try (StateManager store = StateManager.open(dir, CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            for (int i = 1; i < to; i++) {
                Block b = gen.next();
                if (i >= from) {
                    engine.executeBlock(b.height(), b.time(), b.txs());
                    if (i == snapshotAt) {
                        BookSnapshotWriter.write(engine, snapDir);
                    }
                }
            }
        }
    }

    /** Each market's book (L3), then how many orders each account rests there as the cap counts them. */
    private static Map<Integer, List<String>> books(Engine engine) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (MarketParams m : engine.markets()) {
            List<String> view = new java.util.ArrayList<>(DeterminismTest.l3(engine.book(m.marketId())));
            for (long account = 0; account <= 8; account++) {
                view.add("account " + account + " rests " + engine.openOrders(account, m.marketId()));
            }
            out.put(m.marketId(), view);
        }
        return out;
    }

    private Map<Integer, List<String>> fromState() {
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            return books(engine);
        }
    }

    private RecoveryReport fromSnapshot(Map<Integer, List<String>> out) {
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            RecoveryReport r = engine.recover(RecoveryOptions.fromState().withSnapshots(snaps()));
            out.putAll(books(engine));
            return r;
        }
    }

    @Test
    void snapshotAtTheLatestHeightRestoresTheSameBooks() {
        run(data(), snaps(), 3, 1, 150, 149);
        Map<Integer, List<String>> viaSnapshot = new TreeMap<>();
        RecoveryReport r = fromSnapshot(viaSnapshot);
        assertThat(r.method()).isEqualTo(Method.SNAPSHOT);
        assertThat(viaSnapshot).isEqualTo(fromState());
        assertThat(r.totalOrders()).isPositive();
    }

    @Test
    void snapshotPlusIncrementalCatchUpEqualsARebuildFromStateAfterManyBlocks() {
        run(data(), snaps(), 4, 1, 300, 100);
        Map<Integer, List<String>> viaSnapshot = new TreeMap<>();
        RecoveryReport r = fromSnapshot(viaSnapshot);
        assertThat(r.method()).isEqualTo(Method.SNAPSHOT_INCREMENTAL);
        assertThat(viaSnapshot).isEqualTo(fromState());
    }

    @Test
    void aCaptureWrittenAfterLaterBlocksShowsTheBooksOfItsOwnHeight() {
        // The node captures between blocks and writes on another thread while blocks go on.
        RandomBlocks gen = new RandomBlocks(6, 6, 10);
        Path written;
        try (StateManager store = StateManager.open(data(), CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            BookSnapshotWriter.Captured captured = null;
            for (int i = 1; i < 250; i++) {
                Block b = gen.next();
                engine.executeBlock(b.height(), b.time(), b.txs());
                if (i == 100) {
                    captured = BookSnapshotWriter.capture(engine);
                }
            }
            written = captured.writeTo(snaps());
        }
        assertThat(written.getFileName().toString()).isEqualTo(BookSnapshotWriter.fileName(100));
        Map<Integer, List<String>> viaSnapshot = new TreeMap<>();
        RecoveryReport r = fromSnapshot(viaSnapshot);
        assertThat(r.method()).isEqualTo(Method.SNAPSHOT_INCREMENTAL);
        assertThat(viaSnapshot).isEqualTo(fromState());
        assertThat(r.totalOrders()).isPositive();
    }

    @Test
    void catchUpWhereAMarketOnlyLostOrdersSinceTheSnapshot() {
        try (StateManager store = StateManager.open(data(), CFG)) {
            EngineFixture f = new EngineFixture(store).withMarketAndMoney("alice");
            long id = f.one(EngineFixture.gtc("alice", io.dexnode.book.Side.BUY, 90, 1)).orderId();
            f.one(EngineFixture.gtc("alice", io.dexnode.book.Side.BUY, 91, 1));
            BookSnapshotWriter.write(f.engine, snaps());
            f.one(EngineFixture.cancel("alice", id));
        }
        Map<Integer, List<String>> viaSnapshot = new TreeMap<>();
        RecoveryReport r = fromSnapshot(viaSnapshot);
        assertThat(r.method()).isEqualTo(Method.SNAPSHOT_INCREMENTAL);
        assertThat(viaSnapshot).isEqualTo(fromState());
        assertThat(viaSnapshot.get(EngineFixture.BTC)).filteredOn(line -> !line.startsWith("account ")).hasSize(1);
        assertThat(viaSnapshot.get(EngineFixture.BTC)).contains("account 1 rests 1");
    }

    @Test
    void damagedSnapshotIsIgnoredWithAReasonAndRecoveryFallsBackToState() throws IOException {
        run(data(), snaps(), 5, 1, 120, 119);
        Path file;
        try (var files = Files.list(snaps())) {
            file = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x5a;
        Files.write(file, bytes);
        Map<Integer, List<String>> books = new TreeMap<>();
        RecoveryReport r = fromSnapshot(books);
        assertThat(r.method()).isEqualTo(Method.STATE);
        assertThat(r.snapshotNote()).isNotNull();
        assertThat(books).isEqualTo(fromState());
    }

    @Test
    void snapshotOfAnotherChainIsIgnored() {
        run(tmp.resolve("other"), snaps(), 99, 1, 60, 59);
        run(data(), tmp.resolve("unused"), 6, 1, 80, 0);
        Map<Integer, List<String>> books = new TreeMap<>();
        RecoveryReport r = fromSnapshot(books);
        assertThat(r.method()).isEqualTo(Method.STATE);
        assertThat(r.snapshotNote()).contains("another chain");
    }

    @Test
    void snapshotNewerThanTheStateIsIgnored() {
        run(tmp.resolve("ahead"), snaps(), 7, 1, 90, 89);
        run(data(), tmp.resolve("unused"), 7, 1, 40, 0);
        Map<Integer, List<String>> books = new TreeMap<>();
        RecoveryReport r = fromSnapshot(books);
        assertThat(r.method()).isEqualTo(Method.STATE);
        assertThat(r.snapshotNote()).contains("newer than the committed state");
    }
}
