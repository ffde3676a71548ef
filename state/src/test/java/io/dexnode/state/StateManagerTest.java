package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static io.dexnode.state.Writes.puts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.testsupport.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Lifecycle of the RocksDB store: version rules, checkpoints, refusals, the failed state. */
@Timeout(300)
class StateManagerTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20);

    @TempDir
    Path tmp;

    @Test
    void emptyStoreHasNoVersionAndTheEmptyRoot() {
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(StateStore.NO_VERSION);
            assertThat(sm.oldestRetainedVersion()).isEqualTo(StateStore.NO_VERSION);
            assertThat(sm.latestRoot()).isEqualTo(JellyfishMerkleTree.emptyRootHash());
            assertThatThrownBy(() -> sm.rootAt(0)).isInstanceOf(StateException.class).hasMessageContaining("empty");
            assertThat(sm.get(b("a"))).isNull();
        }
    }

    @Test
    void emptyWriteSetStillMakesAVersionWithTheSameRoot() {
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            byte[] r1 = sm.commit(1, puts("a", "1"), null);
            byte[] r2 = sm.commit(2, new WriteSet(), null);
            assertThat(r2).isEqualTo(r1);
            assertThat(sm.rootAt(2)).isEqualTo(r1);
            assertThat(sm.changedKeys(1, 2)).isEmpty();
            assertThat(sm.getWithProof(b("a"), 2).verify()).isTrue();
        }
    }

    @Test
    void versionsMustIncreaseButMaySkip() {
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            sm.commit(3, puts("a", "1"), null);
            assertThatThrownBy(() -> sm.commit(3, puts("a", "2"), null)).isInstanceOf(StateException.class)
                    .hasMessageContaining("not after the latest committed version 3");
            assertThatThrownBy(() -> sm.commit(1, puts("a", "2"), null)).isInstanceOf(StateException.class);
            byte[] root = sm.commit(10, puts("a", "2"), null);
            assertThat(root).isEqualTo(ReferenceHistory.rootOf(java.util.Map.of(b("a"), b("2"))));
            assertThat(sm.get(b("a"), 9)).isEqualTo(b("1"));
            assertThat(sm.get(b("a"), 10)).isEqualTo(b("2"));
            assertThatThrownBy(() -> sm.rootAt(9)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
        }
    }

    @Test
    void checkpointReopensWithTheSameRootAndReads() {
        Path cp = tmp.resolve("checkpoint");
        byte[] rootAtCheckpoint;
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            for (long v = 0; v < 20; v++) {
                sm.commit(v, Workload.writes(5, v, 10), puts("h", Long.toString(v)));
            }
            rootAtCheckpoint = sm.latestRoot();
            sm.checkpoint(cp);
            sm.commit(20, puts("late", "x"), null);
            assertThatThrownBy(() -> sm.checkpoint(cp)).isInstanceOf(StateException.class).hasMessageContaining("exists");
        }
        ReferenceHistory ref = new ReferenceHistory();
        for (long v = 0; v < 20; v++) {
            ref.apply(v, Workload.writes(5, v, 10));
        }
        try (StateManager copy = StateManager.open(cp, CFG)) {
            assertThat(copy.latestVersion()).isEqualTo(19);
            assertThat(copy.latestRoot()).isEqualTo(rootAtCheckpoint).isEqualTo(ref.roots.get(19L));
            assertThat(copy.get(b("late"))).isNull();
            assertThat(copy.getExtra(b("h"))).isEqualTo(b("19"));
            for (long v = 0; v < 20; v++) {
                assertThat(copy.rootAt(v)).isEqualTo(ref.roots.get(v));
                for (byte[] k : StateStoreRandomizedTest.allKeys()) {
                    assertThat(copy.get(k, v)).isEqualTo(ref.at(v).get(k));
                }
            }
            byte[] next = copy.commit(20, puts("other", "y"), null);
            assertThat(next).isNotEqualTo(rootAtCheckpoint);
        }
    }

    @Test
    void newerFormatVersionIsRefused() throws Exception {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            sm.commit(0, puts("a", "1"), null);
        }
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
        for (String name : List.of("default", "nodes", "stale", "latest", "versions", "changes", "blocks", "meta")) {
            cfs.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (org.rocksdb.DBOptions o = new org.rocksdb.DBOptions();
             RocksDB db = RocksDB.open(o, dir.toString(), cfs, handles)) {
            db.put(handles.get(7), RecordCodec.META_FORMAT, new byte[] {(byte) (StateManager.FORMAT_VERSION + 1)});
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining("format version " + (StateManager.FORMAT_VERSION + 1))
                .hasMessageContaining("upgrade dexnode");
    }

    @Test
    void directoryOfOtherFilesIsRefused() throws Exception {
        Path dir = tmp.resolve("notes");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("todo.txt"), "not a database");
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining("not a dexnode state directory");
        assertThat(Files.readString(dir.resolve("todo.txt"))).isEqualTo("not a database");
    }

    @Test
    void foreignRocksDbIsRefused() throws Exception {
        Path dir = tmp.resolve("foreign");
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir.toString())) {
            db.put(b("k"), b("v"));
        }
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining("not a dexnode state");
    }

    @Test
    void corruptDirectoryIsRefusedWithAClearMessage() throws Exception {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            sm.commit(0, puts("a", "1"), null);
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("MANIFEST")) {
                    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                }
            }
        }
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void failedWriteLeavesTheStoreRefusingEverything() {
        Path dir = tmp.resolve("s");
        byte[] root;
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, CFG, seams)) {
            root = sm.commit(0, puts("a", "1"), null);
            seams.failNextWrite("No space left on device");
            assertThatThrownBy(() -> sm.commit(1, puts("a", "2"), null)).isInstanceOf(StateException.class)
                    .hasMessageContaining("No space left on device");
            assertThatThrownBy(sm::latestVersion).isInstanceOf(StateException.class).hasMessageContaining("refuses further use");
            assertThatThrownBy(() -> sm.get(b("a"))).isInstanceOf(StateException.class);
            assertThatThrownBy(() -> sm.commit(1, puts("a", "3"), null)).isInstanceOf(StateException.class)
                    .hasMessageContaining("refuses further use");
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isZero();
            assertThat(sm.latestRoot()).isEqualTo(root);
            assertThat(sm.get(b("a"))).isEqualTo(b("1"));
        }
    }

    @Test
    void closedStoreRefusesCalls() {
        StateManager sm = StateManager.open(tmp.resolve("s"), CFG);
        sm.close();
        sm.close();
        assertThatThrownBy(sm::latestVersion).isInstanceOf(StateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeWaitsForReadsInFlightAndLaterReadsAreRefused() throws Exception {
        StateManager sm = StateManager.open(tmp.resolve("s"), CFG);
        for (int i = 0; i < 200; i++) {
            sm.commit(i, puts("k" + i, "v" + i), null);
        }
        java.util.concurrent.CountDownLatch scanning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> sm.scanPrefix(b("k"), (k, v) -> {
            if (seen.getAndIncrement() == 0) {
                scanning.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        reader.start();
        assertThat(scanning.await(60, TimeUnit.SECONDS)).as("the scan started").isTrue();
        Thread closer = new Thread(sm::close);
        closer.start();
        Waits.until(Duration.ofSeconds(60), "close to wait or end",
                () -> closer.getState() == Thread.State.WAITING || !closer.isAlive());
        assertThat(closer.isAlive()).as("close waits for the scan in flight").isTrue();
        release.countDown();
        assertThat(reader.join(Duration.ofSeconds(60))).as("the scan finished").isTrue();
        assertThat(closer.join(Duration.ofSeconds(60))).as("close finished").isTrue();
        assertThat(seen.get()).isEqualTo(200);
        assertThatThrownBy(() -> sm.get(b("k1"))).isInstanceOf(StateException.class).hasMessageContaining("closed");
    }

    @Test
    void proofOfAnAbsentKeyInTheEmptyTreeIsTheEmptyRoot() {
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            sm.commit(0, new WriteSet(), null);
            StateProof p = sm.getWithProof(b("x"), 0);
            assertThat(p.exists()).isFalse();
            assertThat(p.ics23()).isNull();
            assertThat(p.verify()).isTrue();
        }
    }

    @Test
    void keepLastOneKeepsOnlyTheLatestVersion() {
        StateConfig everyVersion = CFG.withPruning(PruningConfig.keepLast(1)).withTreePersistence(TreePersistence.everyVersion());
        try (StateManager sm = StateManager.open(tmp.resolve("s"), everyVersion)) {
            for (long v = 0; v < 10; v++) {
                sm.commit(v, puts("k", "v" + v), null);
            }
            sm.awaitPruning();
            assertThat(sm.oldestRetainedVersion()).isEqualTo(9);
            assertThat(sm.get(b("k"), 9)).isEqualTo(b("v9"));
            assertThatThrownBy(() -> sm.get(b("k"), 8)).isInstanceOf(StateException.class)
                    .hasMessage("version 8 pruned; oldest retained is 9");
            assertThat(sm.countRecords("versions")).isEqualTo(1);
            assertThat(sm.countRecords("stale")).isZero();
        }
    }
}
