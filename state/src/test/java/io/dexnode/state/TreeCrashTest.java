package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.testsupport.ChildJvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL at the two moments the tree's own persistence adds: in the middle of a background
 * persist (part of a tree written, its marker not), and during the re-apply on open. After each
 * kill the store opens at a version at least the last one acknowledged, every retained version's
 * root, values and proofs are the reference's, and exactly the persisted trees' nodes are stored.
 */
@Timeout(300)
class TreeCrashTest {
    private static final Duration CHILD_WAIT = Duration.ofSeconds(60);
    private static final StateConfig CHECK = TreeCrashChild.NEVER.withFsync(false);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {13})
    void killsInTheMiddleOfBackgroundPersistsLeaveWholeVersionsAndWholeTrees(long seed) throws Exception {
        Path dir = tmp.resolve("state");
        SplittableRandom r = new SplittableRandom(seed);
        ReferenceHistory ref = new ReferenceHistory();
        int midPersist = 0;
        for (int round = 0; round < 8; round++) {
            try (ChildJvm child = ChildJvm.start(TreeCrashChild.class, List.of("-Xmx256m"), "commit", dir.toString(),
                    Long.toString(seed), Integer.toString(2 + r.nextInt(4)))) {
                assertThat(child.awaitLines(l -> l.endsWith("partly written"), 1 + r.nextInt(6), CHILD_WAIT))
                        .as(() -> "child persisting" + child.describe()).isTrue();
                Thread.sleep(r.nextInt(3));
                child.kill();
                String last = child.lastLine(l -> true).orElse("");
                midPersist += last.endsWith("partly written") ? 1 : 0;
                long acknowledged = child.lastLine(l -> l.startsWith("committed "))
                        .map(l -> Long.parseLong(l.substring(10).trim())).orElse(-1L);
                check(dir, seed, ref, acknowledged, "round " + round);
            }
        }
        assertThat(midPersist).as("kills that landed between a persist's writes").isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21})
    void killsDuringTheReapplyOnOpenLeaveTheStoreAsItWas(long seed) throws Exception {
        Path dir = tmp.resolve("state");
        ReferenceHistory ref = new ReferenceHistory();
        // A long unpersisted run: thousands of versions since the last persisted tree.
        long acknowledged;
        try (ChildJvm child = ChildJvm.start(TreeCrashChild.class, List.of("-Xmx256m"), "commit", dir.toString(),
                Long.toString(seed), "0")) {
            assertThat(child.awaitLines(l -> l.startsWith("committed "), 3_000, CHILD_WAIT)).isTrue();
            child.kill();
            acknowledged = child.lastLine(l -> l.startsWith("committed ")).map(l -> Long.parseLong(l.substring(10).trim())).orElseThrow();
        }
        long reapplyMillis;
        try (StateManager sm = StateManager.open(dir, CHECK)) {
            reapplyMillis = Math.max(50, sm.persistStats().recovery().millis());
            assertThat(sm.persistStats().recovery().versions()).isGreaterThanOrEqualTo(2_999);
        }
        SplittableRandom r = new SplittableRandom(seed);
        int duringReapply = 0;
        for (int round = 0; round < 8; round++) {
            try (ChildJvm child = ChildJvm.start(TreeCrashChild.class, List.of("-Xmx256m"), "open", dir.toString())) {
                assertThat(child.awaitLines("opening"::equals, 1, CHILD_WAIT)).isTrue();
                Thread.sleep(r.nextLong(2 * reapplyMillis));
                child.kill();
                duringReapply += child.lastLine(l -> l.startsWith("opened")).isEmpty() ? 1 : 0;
            }
            check(dir, seed, ref, acknowledged, "round " + round);
        }
        assertThat(duringReapply).as("kills that landed before the store had opened").isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {34})
    void aLongRunWithoutPersistingTheTreeKilledAndReopenedRecomputesEveryRoot(long seed) throws Exception {
        Path dir = tmp.resolve("state");
        // A first persisted tree, then thousands of versions the tree persister never writes.
        try (ChildJvm child = ChildJvm.start(TreeCrashChild.class, List.of("-Xmx256m"), "commit", dir.toString(),
                Long.toString(seed), "50")) {
            // two writes of a persist before its marker: the third line is the second persist's
            assertThat(child.awaitLines(l -> l.endsWith("partly written"), 3, CHILD_WAIT)).isTrue();
            child.kill();
        }
        long acknowledged;
        try (ChildJvm child = ChildJvm.start(TreeCrashChild.class, List.of("-Xmx256m"), "commit", dir.toString(),
                Long.toString(seed), "0")) {
            assertThat(child.awaitLines(l -> l.startsWith("committed "), 2_000, CHILD_WAIT)).isTrue();
            child.kill();
            acknowledged = child.lastLine(l -> l.startsWith("committed ")).map(l -> Long.parseLong(l.substring(10).trim())).orElseThrow();
        }
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, CHECK)) {
            StateManager.PersistStats stats = sm.persistStats();
            assertThat(stats.recovery().fromVersion()).as("re-applied from the persisted tree").isNotEqualTo(StateStore.NO_VERSION);
            assertThat(stats.recovery().versions()).as("versions re-applied").isGreaterThanOrEqualTo(1_900);
            long latest = sm.latestVersion();
            assertThat(latest).isGreaterThanOrEqualTo(acknowledged);
            for (long v = 0; v <= latest; v++) {
                ref.apply(v, Workload.writes(seed, v, TreeCrashChild.MAX_WRITES));
            }
            for (long v = 0; v <= latest; v++) {
                assertThat(sm.rootAt(v)).as("root of version %d", v).isEqualTo(ref.roots.get(v));
            }
            assertThat(sm.latestRoot()).isEqualTo(ref.roots.get(latest));
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepAll());
        }
    }

    /** Reopens in this JVM (persisting nothing) and checks the store against the reference. */
    private static void check(Path dir, long seed, ReferenceHistory ref, long acknowledged, String round) {
        try (StateManager sm = StateManager.open(dir, CHECK)) {
            long latest = sm.latestVersion();
            assertThat(latest).as("%s: latest after reopen", round).isGreaterThanOrEqualTo(acknowledged);
            for (long v = ref.states.isEmpty() ? 0 : ref.latest() + 1; v <= latest; v++) {
                ref.apply(v, Workload.writes(seed, v, TreeCrashChild.MAX_WRITES));
            }
            assertThat(sm.latestRoot()).as("%s: root of version %d", round, latest).isEqualTo(ref.roots.get(latest));
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepAll());
            SplittableRandom r = new SplittableRandom(latest);
            for (int i = 0; i < 20; i++) {
                long v = r.nextLong(latest + 1);
                byte[] k = Workload.randomKey(r);
                assertThat(sm.get(k, v)).as("%s: key at %d", round, v).isEqualTo(ref.at(v).get(k));
                StateProof p = sm.getWithProof(k, v);
                assertThat(p.verify()).isTrue();
                assertThat(p.root()).isEqualTo(ref.roots.get(v));
            }
        }
    }

}
