package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM applies blocks to RocksDB and is killed with SIGKILL at random moments, many times.
 * After each kill: the state is at a committed block, no block the child reported committed is
 * missing, the root equals an uninterrupted reference run's root at that height, and the recovered
 * books equal the reference books at that height.
 */
@Timeout(300)
class EngineCrashTest {
    private static final long SEED = 77;
    private static final int BLOCKS = 400;
    private static final int KILLS = 10;
    /** Bound on waiting for the child's reports (its first recovery included). */
    private static final Duration CHILD_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void killedNodeRecoversToACommittedBlockWithTheReferenceRootAndBooks() throws Exception {
        List<String> roots = new ArrayList<>();
        List<Map<Integer, List<String>>> books = new ArrayList<>();
        roots.add(null);
        books.add(null);
        InMemoryStateStore ref = new InMemoryStateStore();
        Engine reference = new Engine(ref);
        reference.rebuildOrderbookFromState();
        RandomBlocks gen = new RandomBlocks(SEED, 6, 10, true);
        long liquidations = 0;
        for (int i = 1; i <= BLOCKS; i++) {
            Block b = gen.next();
            BlockResult result = reference.executeBlock(b.height(), b.time(), b.txs());
            roots.add(HexFormat.of().formatHex(result.header().root()));
            books.add(snapshotOf(reference));
            liquidations += result.riskEvents().stream().filter(e -> e instanceof RiskEvent.Liquidation).count();
        }
        assertThat(liquidations).as("liquidations in the stream the child is killed in").isPositive();
        SplittableRandom rnd = new SplittableRandom(SEED);
        long acknowledged = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            long reported = runAndKill(1 + rnd.nextInt(30), rnd.nextInt(60));
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
            }
        }
    }

    private static Map<Integer, List<String>> snapshotOf(Engine engine) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (MarketParams m : engine.markets()) {
            out.put(m.marketId(), DeterminismTest.l3(engine.book(m.marketId())));
        }
        return out;
    }

    /** Runs the child until it reports {@code minLines} commits, waits {@code extraMs}, kills it; returns its last report. */
    private long runAndKill(int minLines, int extraMs) throws IOException, InterruptedException {
        try (ChildJvm child = ChildJvm.start(EngineCrashChild.class, List.of("-Xmx256m"), dir.toString(), Long.toString(SEED),
                Integer.toString(BLOCKS))) {
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
