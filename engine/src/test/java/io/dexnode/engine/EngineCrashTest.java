package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.history.ArchiveBlock;
import io.dexnode.engine.history.HistoryQueries;
import io.dexnode.engine.history.TradeRecord;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.testsupport.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A child JVM applies blocks to RocksDB and is killed with SIGKILL at random moments, many times.
 * After each kill: the state is at a committed block, no block the child reported committed is
 * missing, the root equals an uninterrupted reference run's root at that height, and the recovered
 * books equal the reference books at that height. With archival every two blocks nearly every
 * block archives, so kills land while blocks archive: then the archive and the trade history are
 * also the reference's up to that height (and so are the trades and fills), every archiving
 * block's records matching its head.
 */
@Timeout(300)
class EngineCrashTest {
    private static final int BLOCKS = 400;
    /** Bound on waiting for the child's reports (its first recovery included). */
    private static final Duration CHILD_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}, archiveAfterBlocks {1} ({2} kills)")
    @CsvSource({"77, -1, 10", "78, 2, 8"})
    void killedNodeRecoversToACommittedBlockWithTheReferenceRootBooksAndHistory(long seed, int archiveAfterBlocks, int kills)
            throws Exception {
        List<String> roots = new ArrayList<>();
        List<Map<Integer, List<String>>> books = new ArrayList<>();
        roots.add(null);
        books.add(null);
        InMemoryStateStore ref = new InMemoryStateStore();
        Engine reference = new Engine(ref);
        reference.rebuildOrderbookFromState();
        RandomBlocks gen = new RandomBlocks(seed, 6, 10, archiveAfterBlocks, true);
        long liquidations = 0;
        for (int i = 1; i <= BLOCKS; i++) {
            Block b = gen.next();
            BlockResult result = reference.executeBlock(b.height(), b.time(), b.txs());
            roots.add(HexFormat.of().formatHex(result.header().root()));
            books.add(snapshotOf(reference));
            liquidations += result.riskEvents().stream().filter(e -> e instanceof RiskEvent.Liquidation).count();
        }
        assertThat(liquidations).as("liquidations in the stream the child is killed in").isPositive();
        HistoryQueries referenceHistory = new HistoryQueries(ref);
        SplittableRandom rnd = new SplittableRandom(seed);
        long acknowledged = 0;
        int killedBeforeAnArchivingBlock = 0;
        for (int kill = 0; kill < kills; kill++) {
            long reported = runAndKill(seed, archiveAfterBlocks, 1 + rnd.nextInt(30), rnd.nextInt(60));
            acknowledged = Math.max(acknowledged, reported);
            try (StateManager store = StateManager.open(dir.resolve("state"), StateConfig.defaults())) {
                long h = store.latestVersion();
                assertThat(h).as("no acknowledged block is missing after kill %d", kill).isGreaterThanOrEqualTo(acknowledged);
                assertThat(HexFormat.of().formatHex(store.latestRoot())).as("root at height %d", h).isEqualTo(roots.get((int) h));
                Engine engine = new Engine(store);
                RecoveryReport r = engine.recover(RecoveryOptions.fromState().withSnapshots(dir.resolve("snapshots")));
                assertThat(r.clean()).isTrue();
                assertThat(snapshotOf(engine)).as("books at height %d (recovered via %s)", h, r.method())
                        .isEqualTo(books.get((int) h));
                assertThat(store.latestVersion()).isEqualTo(h);
                assertHistoryIsTheReferencesUpTo(new HistoryQueries(store), referenceHistory, h);
                if (h < BLOCKS && referenceHistory.archiveBlock(h + 1) != null) {
                    killedBeforeAnArchivingBlock++; // block h + 1, which archives, was executing or being written
                }
            }
        }
        if (archiveAfterBlocks > 0) {
            assertThat(killedBeforeAnArchivingBlock).as("kills that interrupted a block that archives").isPositive();
        }
    }

    /**
     * Every archive block up to {@code h}, the newest trades of each market and the newest fills of
     * each account equal the reference's up to that height.
     */
    private static void assertHistoryIsTheReferencesUpTo(HistoryQueries history, HistoryQueries reference, long h) {
        for (long at = 1; at <= h; at++) {
            ArchiveBlock mine = history.archiveBlock(at);
            ArchiveBlock theirs = reference.archiveBlock(at);
            assertThat(mine == null).as("archive block %d present", at).isEqualTo(theirs == null);
            if (mine != null) {
                assertThat(mine.verify()).isTrue();
                assertThat(mine.head()).isEqualTo(theirs.head());
                assertThat(mine.orders()).isEqualTo(theirs.orders());
            }
        }
        for (int market = 1; market <= 2; market++) {
            int m = market;
            List<TradeRecord> theirs = newestUpTo(h, before -> reference.marketTrades(m, before == null ? null : Long.parseLong(before), 100));
            assertThat(history.marketTrades(market, null, 50).items()).as("market %d's newest trades at height %d", market, h)
                    .isEqualTo(theirs);
        }
        for (long account = 1; account <= 8; account++) {
            long a = account;
            List<TradeRecord> theirs = newestUpTo(h, before -> reference.accountFills(a, before, 100));
            assertThat(history.accountFills(account, null, 50).items()).as("account %d's newest fills at height %d", account, h)
                    .isEqualTo(theirs);
        }
    }

    /** The newest 50 records of a newest-first paged list that were written at or below height {@code h}. */
    private static List<TradeRecord> newestUpTo(long h, java.util.function.Function<String, HistoryQueries.Page<TradeRecord>> pages) {
        List<TradeRecord> out = new ArrayList<>();
        String before = null;
        while (out.size() < 50) {
            HistoryQueries.Page<TradeRecord> page = pages.apply(before);
            page.items().stream().filter(t -> t.height() <= h).limit(50 - out.size()).forEach(out::add);
            if (page.next() == null) {
                break;
            }
            before = page.next();
        }
        return out;
    }

    private static Map<Integer, List<String>> snapshotOf(Engine engine) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (MarketParams m : engine.markets()) {
            out.put(m.marketId(), DeterminismTest.l3(engine.book(m.marketId())));
        }
        return out;
    }

    /** Runs the child until it reports {@code minLines} commits, waits {@code extraMs}, kills it; returns its last report. */
    private long runAndKill(long seed, int archiveAfterBlocks, int minLines, int extraMs) throws IOException, InterruptedException {
        try (ChildJvm child = ChildJvm.start(EngineCrashChild.class, List.of("-Xmx256m"), dir.toString(), Long.toString(seed),
                Integer.toString(BLOCKS), Integer.toString(archiveAfterBlocks))) {
            // false when the child applied every block and exited first: then there is nothing left to interrupt
            child.awaitLines(EngineCrashTest::isCommitted, minLines, CHILD_WAIT);
            Thread.sleep(extraMs);
            child.kill();
            return child.lastLine(EngineCrashTest::isCommitted).map(l -> Long.parseLong(l.substring(10).trim())).orElse(0L);
        }
    }

    private static boolean isCommitted(String line) {
        return line.startsWith("committed ");
    }
}
