package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Block;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM applies blocks to RocksDB and is killed with SIGKILL at random moments, many times.
 * After each kill: the state is at a committed block, no block the child reported committed is
 * missing, the root equals an uninterrupted reference run's root at that height, and the recovered
 * books equal the reference books at that height.
 */
class EngineCrashTest {
    private static final long SEED = 77;
    private static final int BLOCKS = 400;
    private static final int KILLS = 10;

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
        RandomBlocks gen = new RandomBlocks(SEED, 6, 10);
        for (int i = 1; i <= BLOCKS; i++) {
            Block b = gen.next();
            roots.add(HexFormat.of().formatHex(reference.executeBlock(b.height(), b.time(), b.txs()).header().root()));
            books.add(snapshotOf(reference));
        }
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), EngineCrashChild.class.getName(), dir.toString(),
                Long.toString(SEED), Integer.toString(BLOCKS)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        AtomicLong last = new AtomicLong(0);
        AtomicLong lines = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("committed ")) {
                        last.set(Long.parseLong(line.substring(10).trim()));
                        lines.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the child died; what was read counts
            }
        });
        reader.start();
        try {
            while (lines.get() < minLines && p.isAlive()) {
                Thread.sleep(2);
            }
            Thread.sleep(extraMs);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
        }
        return last.get();
    }
}
