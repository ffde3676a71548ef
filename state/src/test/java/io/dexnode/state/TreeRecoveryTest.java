package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.NodeKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree is rebuilt on open from the last persisted tree and the later change logs, every root
 * checked; what a persist leaves behind when cut short is cleaned up; a persist that fails fails
 * the store; and a state larger than the node budget persists whenever its memory budget runs out.
 */
@Timeout(300)
class TreeRecoveryTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20);
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tmp;

    @Test
    void aLongUnpersistedRunIsReappliedOnOpenWithEveryRootChecked() {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        StateConfig never = CFG.withTreePersistence(TreePersistence.onlyWhenMemoryIsShort(1L << 40));
        try (StateManager sm = StateManager.open(dir, never)) {
            for (long v = 0; v < 300; v++) {
                WriteSet ws = Workload.writes(9, v, 20);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            assertThat(sm.persistedTreeVersions()).as("nothing persisted").isEmpty();
            assertThat(sm.persistStats().unpersistedVersions()).isEqualTo(300);
        }
        try (StateManager sm = StateManager.open(dir, never)) {
            StateManager.PersistStats stats = sm.persistStats();
            assertThat(stats.recovery().fromVersion()).isEqualTo(StateStore.NO_VERSION);
            assertThat(stats.recovery().versions()).isEqualTo(300);
            assertThat(stats.recovery().keyUpdates()).isEqualTo(stats.unpersistedKeyUpdates());
            StateStoreRandomizedTest.checkAgainstModel(sm, ref, PruningConfig.keepAll(), new SplittableRandom(1));
            sm.persistTree();
            assertThat(sm.persistedTreeVersions()).containsExactly(299L);
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepAll());
        }
        try (StateManager sm = StateManager.open(dir, never)) {
            assertThat(sm.persistStats().recovery().versions()).as("nothing left to re-apply").isZero();
            assertThat(sm.latestRoot()).isEqualTo(ref.roots.get(299L));
        }
    }

    @Test
    void compactionsWaitUntilTheTreeIsRebuiltAndThenRun() throws Exception {
        Path dir = tmp.resolve("s");
        StateManager.open(dir, CFG).close();
        // Six table files in one family, as a restart may find them: the open must not compact
        // them while it rebuilds the tree, and the store must compact them once it serves.
        try (StateDirectory d = StateDirectory.openLayout(dir, 1 << 20)) {
            for (int i = 0; i < 6; i++) {
                d.put(d.meta, ("~compaction-test-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {1});
                d.flush("test", d.meta);
            }
            Thread.sleep(500);
            assertThat(Long.parseLong(d.db.getProperty(d.meta, "rocksdb.num-files-at-level0"))).as("held back").isGreaterThanOrEqualTo(6);
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.awaitBackgroundWork(30_000)).as("compactions ran and finished").isTrue();
        }
        try (StateDirectory d = StateDirectory.openReadOnly(dir, 1 << 20)) {
            assertThat(Long.parseLong(d.db.getProperty(d.meta, "rocksdb.num-files-at-level0"))).as("compacted").isLessThan(4);
        }
    }

    @Test
    void aChangeLogThatNoLongerGivesItsRootIsRefusedNamingTheVersionAndBothRoots() throws Exception {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, CFG)) {
            for (long v = 0; v < 30; v++) {
                WriteSet ws = Workload.writes(4, v, 10);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
                if (v == 9) {
                    sm.persistTree();
                }
            }
        }
        long damaged = 17;
        while (ref.written.get(damaged).isEmpty()) {
            damaged++;
        }
        long version = damaged;
        OnDiskFormatTest.withRaw(dir, (db, h) -> {
            RecordCodec.Changes c = RecordCodec.decodeChanges(db.get(h.get("changes"), Versions.longBE(version)));
            byte[][] values = c.values().clone();
            values[0] = new byte[] {42, 42, 42};
            db.put(h.get("changes"), Versions.longBE(version), RecordCodec.encodeChanges(c.keys(), values));
        });
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining("version " + version)
                .hasMessageContaining("tree persisted at version 9")
                .hasMessageContaining(HEX.formatHex(ref.roots.get(version)))
                .hasMessageContaining("refuses to open");
    }

    @Test
    void nodesOfAPersistCutShortAreRemovedOnOpen() throws Exception {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, CFG)) {
            for (long v = 0; v < 12; v++) {
                WriteSet ws = Workload.writes(6, v, 10);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
                if (v == 5) {
                    sm.persistTree();
                }
            }
        }
        // What a persist of version 11 had written when it was cut short: a node, no marker.
        NodeKey orphan = NodeKey.root(11);
        OnDiskFormatTest.withRaw(dir, (db, h) -> db.put(h.get("nodes"), orphan.encode(),
                io.dexnode.jmt.NodeCodec.encode(io.dexnode.jmt.NullNode.INSTANCE)));
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.storedNodeKeys()).doesNotContain(orphan);
            assertThat(sm.latestRoot()).isEqualTo(ref.roots.get(11L));
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepAll());
        }
    }

    @Test
    void aFailedPersistFailsTheStoreAndARestartRecoversEveryCommit() {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        TestSeams seams = new TestSeams() {
            @Override
            public void beforeTreePersist(long version) throws Exception {
                if (version == 5) {
                    throw new java.io.IOException("No space left on device");
                }
            }
        };
        StateConfig cfg = CFG.withTreePersistence(new TreePersistence(3, 1_000_000, 1 << 30));
        try (StateManager sm = StateManager.open(dir, cfg, seams)) {
            for (long v = 0; v < 6; v++) {
                WriteSet ws = Workload.writes(8, v, 10);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            sm.awaitPruning();
        } catch (StateException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
        try (StateManager sm = StateManager.open(dir, cfg)) {
            assertThat(sm.latestVersion()).isEqualTo(5);
            assertThat(sm.persistStats().recovery().fromVersion()).as("the tree of version 5 was never written").isEqualTo(2);
            assertThat(sm.persistStats().recovery().versions()).isEqualTo(3);
            StateStoreRandomizedTest.checkAgainstModel(sm, ref, PruningConfig.keepAll(), new SplittableRandom(3));
        }
    }

    @Test
    void aFailedPersistRefusesFurtherUseWithItsCause() throws Exception {
        Path dir = tmp.resolve("s");
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        TestSeams seams = new TestSeams() {
            @Override
            public void beforeTreePersist(long version) throws Exception {
                failed.countDown();
                throw new java.io.IOException("No space left on device");
            }
        };
        try (StateManager sm = StateManager.open(dir, CFG.withTreePersistence(TreePersistence.everyVersion()), seams)) {
            sm.commit(0, Workload.writes(2, 0, 10), null);
            assertThat(failed.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            io.dexnode.testsupport.Waits.until(java.time.Duration.ofSeconds(60), "the store to fail", () -> {
                try {
                    sm.latestVersion();
                    return false;
                } catch (StateException e) {
                    return true;
                }
            });
            assertThatThrownBy(() -> sm.commit(1, Workload.writes(2, 1, 10), null)).isInstanceOf(StateException.class)
                    .hasMessageContaining("persist of the tree at version 0").hasMessageContaining("No space left on device")
                    .hasMessageContaining("refuses further use");
        }
    }

    @Test
    void aStateLargerThanItsNodeBudgetPersistsWheneverItsMemoryBudgetRunsOut() {
        Path dir = tmp.resolve("s");
        ReferenceHistory ref = new ReferenceHistory();
        long budget = 256 << 10;
        StateConfig cfg = CFG.withNodeCacheEntries(0).withTreePersistence(TreePersistence.onlyWhenMemoryIsShort(budget));
        SplittableRandom r = new SplittableRandom(5);
        long maxHeld = 0;
        try (StateManager sm = StateManager.open(dir, cfg)) {
            for (long v = 0; v < 60; v++) {
                WriteSet ws = new WriteSet();
                for (int i = 0; i < 200; i++) {
                    byte[] value = new byte[20];
                    r.nextBytes(value);
                    ws.put(Versions.longBE(r.nextInt(5_000)), value);
                }
                ref.apply(v, ws);
                assertThat(sm.commit(v, ws, null)).isEqualTo(ref.roots.get(v));
                maxHeld = Math.max(maxHeld, sm.persistStats().unpersistedBytes());
            }
            sm.awaitPruning();
            assertThat(sm.persistStats().persists()).as("persists forced by the memory budget").isGreaterThan(3);
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepAll());
        }
        // At most about twice the budget: a persist queued behind another lets a little more accumulate.
        assertThat(maxHeld).as("unpersisted memory").isLessThan(3 * budget);
        try (StateManager sm = StateManager.open(dir, cfg)) {
            assertThat(sm.latestRoot()).isEqualTo(ref.roots.get(59L));
            for (long v = 0; v < 60; v += 7) {
                assertThat(sm.getWithProof(Versions.longBE(17), v).verify()).isTrue();
            }
        }
    }
}
