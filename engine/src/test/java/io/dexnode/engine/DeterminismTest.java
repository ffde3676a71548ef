package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookView;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same blocks on the same state give the same root, on any store, after any restart. The
 * stream has the oracle's violent index moves, so liquidations (with auto-deleveraging and the
 * insurance fund) are in it, and a restart rebuilds what the risk pass keeps in memory.
 */
class DeterminismTest {
    @TempDir
    Path tmp;

    private static List<Block> stream(long seed, int n) {
        return stream(seed, n, RandomBlocks.DEFAULT_CHAIN_PARAMS);
    }

    private static List<Block> stream(long seed, int n, int archiveAfterBlocks) {
        RandomBlocks gen = new RandomBlocks(seed, 6, 10, archiveAfterBlocks, true);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(gen.next());
        }
        return blocks;
    }

    private static List<String> roots(StateStore store, List<Block> blocks) {
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        List<String> roots = new ArrayList<>();
        for (Block b : blocks) {
            roots.add(HexFormat.of().formatHex(engine.executeBlock(b.height(), b.time(), b.txs()).header().root()));
        }
        return roots;
    }

    @Test
    void theStreamLiquidatesAccounts() {
        Engine engine = new Engine(new InMemoryStateStore());
        engine.rebuildOrderbookFromState();
        long liquidations = 0;
        for (Block b : stream(42, 300)) {
            liquidations += engine.executeBlock(b.height(), b.time(), b.txs()).riskEvents().stream()
                    .filter(e -> e instanceof RiskEvent.Liquidation).count();
        }
        assertThat(liquidations).as("liquidations in the first 300 blocks").isGreaterThan(3);
    }

    @Test
    void twoFreshRocksDbDirectoriesAndAnInMemoryStoreGiveTheSameRootAtEveryHeight() {
        List<Block> blocks = stream(42, 150);
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        List<String> a;
        List<String> b;
        try (StateManager s1 = StateManager.open(tmp.resolve("a"), cfg)) {
            a = roots(s1, blocks);
        }
        try (StateManager s2 = StateManager.open(tmp.resolve("b"), cfg)) {
            b = roots(s2, blocks);
        }
        List<String> mem = roots(new InMemoryStateStore(), blocks);
        assertThat(a).hasSize(150);
        assertThat(a.stream().distinct().count()).as("state changes along the stream").isGreaterThan(100);
        assertThat(b).isEqualTo(a);
        assertThat(mem).isEqualTo(a);
    }

    @Test
    void pipelinedBlocksGiveTheRootsResultsAndStateOfSynchronousOnes() {
        List<Block> blocks = stream(9, 150);
        List<String> reference = roots(new InMemoryStateStore(), blocks);
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        List<String> pipelined = new ArrayList<>();
        Path dir = tmp.resolve("p");
        try (StateManager s = StateManager.open(dir, cfg)) {
            Engine engine = new Engine(s);
            engine.rebuildOrderbookFromState();
            Engine.PendingBlock previous = null;
            for (Block b : blocks) {
                // each block executes while the previous one's write may still be under way
                Engine.PendingBlock pending = engine.executeBlockPipelined(b.height(), b.time(), b.txs());
                pipelined.add(HexFormat.of().formatHex(pending.result().header().root()));
                if (previous != null) {
                    previous.awaitDurable();
                }
                previous = pending;
            }
            previous.awaitDurable();
            assertThat(engine.consistencyProblem()).isNull();
        }
        assertThat(pipelined).isEqualTo(reference);
        try (StateManager s = StateManager.open(dir, cfg)) {
            Engine engine = new Engine(s);
            assertThat(engine.rebuildOrderbookFromState().clean()).isTrue();
            assertThat(HexFormat.of().formatHex(s.latestRoot())).isEqualTo(reference.get(reference.size() - 1));
        }
    }

    @Test
    void restartingMidStreamRebuildsTheBooksAndContinuesWithTheSameRoots() {
        List<Block> blocks = stream(7, 120);
        List<String> reference = roots(new InMemoryStateStore(), blocks);
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        List<String> resumed = new ArrayList<>();
        try (StateManager s = StateManager.open(tmp.resolve("r"), cfg)) {
            resumed.addAll(roots(s, blocks.subList(0, 60)));
        }
        try (StateManager s = StateManager.open(tmp.resolve("r"), cfg)) {
            Engine engine = new Engine(s);
            RecoveryReport report = engine.rebuildOrderbookFromState();
            assertThat(report.clean()).isTrue();
            for (Block b : blocks.subList(60, 120)) {
                resumed.add(HexFormat.of().formatHex(engine.executeBlock(b.height(), b.time(), b.txs()).header().root()));
            }
        }
        assertThat(resumed).isEqualTo(reference);
    }

    /**
     * With archival every few blocks: RocksDB and memory, synchronous and pipelined, and a restart
     * mid-stream (between a block that queues orders and the one that archives them) agree on
     * every root, and the archive's records hash to the head each archiving block committed.
     */
    @Test
    void archivingEveryFewBlocksGivesTheSameRootsOnEveryStorePipelinedAndAcrossARestart() {
        List<Block> blocks = stream(21, 160, 3);
        List<String> reference = roots(new InMemoryStateStore(), blocks);
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        List<String> pipelined = new ArrayList<>();
        Path dir = tmp.resolve("archival");
        try (StateManager s = StateManager.open(dir, cfg)) {
            Engine engine = new Engine(s);
            engine.rebuildOrderbookFromState();
            Engine.PendingBlock previous = null;
            for (Block b : blocks.subList(0, 81)) {
                Engine.PendingBlock pending = engine.executeBlockPipelined(b.height(), b.time(), b.txs());
                pipelined.add(HexFormat.of().formatHex(pending.result().header().root()));
                if (previous != null) {
                    previous.awaitDurable();
                }
                previous = pending;
            }
            previous.awaitDurable();
        }
        try (StateManager s = StateManager.open(dir, cfg)) {
            Engine engine = new Engine(s);
            assertThat(engine.rebuildOrderbookFromState().clean()).isTrue();
            for (Block b : blocks.subList(81, blocks.size())) {
                pipelined.add(HexFormat.of().formatHex(engine.executeBlock(b.height(), b.time(), b.txs()).header().root()));
            }
            io.dexnode.engine.history.HistoryQueries history = new io.dexnode.engine.history.HistoryQueries(s);
            int archiving = 0;
            for (long h = 1; h <= s.latestVersion(); h++) {
                io.dexnode.engine.history.ArchiveBlock a = history.archiveBlock(h);
                if (a != null) {
                    archiving++;
                    assertThat(a.verify()).as("archive block %d", h).isTrue();
                    assertThat(s.getWithProof(new io.dexnode.engine.schema.StateKey.ArchiveHead().encode(), h).verify()).isTrue();
                }
            }
            // with the index moves and liquidations in the stream, 94 of its 160 blocks archive (seed 21)
            assertThat(archiving).as("blocks that archived").isGreaterThan(80);
        }
        assertThat(pipelined).isEqualTo(reference);
    }

    @Test
    void rebuiltBooksEqualTheLiveBooksOrderForOrder() {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine live = new Engine(store);
        live.rebuildOrderbookFromState();
        for (Block b : stream(9, 200)) {
            live.executeBlock(b.height(), b.time(), b.txs());
        }
        Engine rebuilt = new Engine(store);
        rebuilt.rebuildOrderbookFromState();
        for (MarketParams m : live.markets()) {
            assertThat(l3(rebuilt.book(m.marketId()))).isEqualTo(l3(live.book(m.marketId()))).isNotEmpty();
        }
    }

    @Test
    void rebuildingByLookupsAndByAPassOverAllOrdersGivesTheSameBooks() {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine live = new Engine(store);
        live.rebuildOrderbookFromState();
        for (Block b : stream(13, 200)) {
            live.executeBlock(b.height(), b.time(), b.txs());
        }
        for (RecoveryOptions.OrderReads reads : RecoveryOptions.OrderReads.values()) {
            Engine rebuilt = new Engine(store);
            RecoveryReport r = rebuilt.recover(RecoveryOptions.fromState().withOrderReads(reads));
            assertThat(r.clean()).as(reads.name()).isTrue();
            for (MarketParams m : live.markets()) {
                assertThat(l3(rebuilt.book(m.marketId()))).as(reads.name()).isEqualTo(l3(live.book(m.marketId())));
            }
        }
    }

    static List<String> l3(BookView book) {
        List<String> out = new ArrayList<>();
        book.forEachOrder((id, owner, side, price, remaining, seq) ->
                out.add(id + ":" + owner + ":" + side + ":" + price + ":" + remaining + ":" + seq));
        return out;
    }
}
