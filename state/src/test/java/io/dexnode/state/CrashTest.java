package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.testsupport.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a committing child JVM with SIGKILL at random moments and checks each reopen: the latest
 * version is at least the last one the child reported, whole (its root recomputes from a full scan
 * of the latest values and equals the reference root of that version), and nothing of a later one
 * is visible.
 */
@Timeout(300)
class CrashTest {
    static final int MAX_WRITES = 40;
    private static final int KILLS = 12;
    private static final long KEEP_LAST = 5;
    /** Bound on waiting for the child's reports; it commits many versions a second. */
    private static final Duration CHILD_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7})
    void killedCommitterLeavesWholeVersionsOnly(long seed) throws Exception {
        Path dir = tmp.resolve("state");
        SplittableRandom r = new SplittableRandom(seed);
        ReferenceHistory ref = new ReferenceHistory();
        StateConfig cfg = StateConfig.defaults().withBlockCacheBytes(8 << 20).withPruning(PruningConfig.keepLast(KEEP_LAST));
        for (int round = 0; round < KILLS; round++) {
            long lastPrinted = runAndKill(dir, seed, 1 + r.nextInt(60), r.nextInt(40));
            try (StateManager sm = StateManager.open(dir, cfg)) {
                long latest = sm.latestVersion();
                assertThat(latest).as("round %d: latest after reopen", round).isGreaterThanOrEqualTo(lastPrinted);
                for (long v = ref.states.isEmpty() ? 0 : ref.latest() + 1; v <= latest; v++) {
                    ref.apply(v, Workload.writes(seed, v, MAX_WRITES));
                }
                TreeMap<byte[], byte[]> scanned = ReferenceHistory.newMap();
                sm.scanPrefix(new byte[0], scanned::put);
                assertThat(ReferenceHistory.rootOf(scanned)).as("round %d: root recomputed from the latest values", round)
                        .isEqualTo(sm.latestRoot());
                assertThat(sm.latestRoot()).as("round %d: reference root of version %d", round, latest)
                        .isEqualTo(ref.roots.get(latest));
                assertThat(sm.rootAt(latest)).isEqualTo(ref.roots.get(latest));
                assertThat(sm.getExtra(new byte[] {'h'})).isEqualTo(Versions.longBE(latest));
                assertThat(sm.changedKeys(latest - 1, latest)).hasSameSizeAs(ref.changed(latest - 1, latest));
                sm.awaitPruning();
                assertThat(sm.oldestRetainedVersion()).isEqualTo(Math.max(0, latest - KEEP_LAST + 1));
                for (long v = sm.oldestRetainedVersion(); v <= latest; v++) {
                    assertThat(sm.rootAt(v)).isEqualTo(ref.roots.get(v));
                }
            }
        }
    }

    /** Starts the child, lets it report {@code minLines} commits, waits {@code extraMs}, kills it; returns the last reported version. */
    private long runAndKill(Path dir, long seed, int minLines, int extraMs) throws IOException, InterruptedException {
        try (ChildJvm child = ChildJvm.start(CrashChild.class, List.of("-Xmx256m"), dir.toString(), Long.toString(seed),
                Long.toString(KEEP_LAST))) {
            assertThat(child.awaitLines(CrashTest::isCommitted, minLines, CHILD_WAIT)).as(() -> "child still committing" + child.describe())
                    .isTrue();
            Thread.sleep(extraMs);
            child.kill();
            return child.lastLine(CrashTest::isCommitted).map(l -> Long.parseLong(l.substring(10).trim())).orElse(-1L);
        }
    }

    private static boolean isCommitted(String line) {
        return line.startsWith("committed ");
    }
}
