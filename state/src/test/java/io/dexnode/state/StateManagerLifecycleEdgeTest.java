package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB store across its lifecycle: reopening a pruned store, a checkpoint taken while
 * another thread commits, a second open of a directory in use, and commits still being written
 * when a pruning store closes.
 */
@Timeout(300)
class StateManagerLifecycleEdgeTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20)
            .withNodeCacheEntries(64);

    @TempDir
    Path tmp;

    @Test
    void aReopenedPrunedStoreKeepsItsRetainedVersionsAndRefusesThePrunedOnes() {
        Path dir = tmp.resolve("s");
        StateConfig cfg = CFG.withPruning(PruningConfig.keepLast(3));
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, cfg)) {
            for (long v = 0; v < 12; v++) {
                WriteSet ws = Workload.writes(5, v, 10);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            sm.awaitPruning();
        }
        try (StateManager sm = StateManager.open(dir, cfg)) {
            assertThat(sm.latestVersion()).isEqualTo(11);
            assertThat(sm.oldestRetainedVersion()).isEqualTo(9);
            assertThatThrownBy(() -> sm.rootAt(8)).isInstanceOf(StateException.class)
                    .hasMessage("version 8 pruned; oldest retained is 9");
            for (long v = 9; v <= 11; v++) {
                assertThat(sm.rootAt(v)).isEqualTo(ref.roots.get(v));
                for (byte[] k : StateStoreRandomizedTest.allKeys()) {
                    assertThat(sm.get(k, v)).isEqualTo(ref.at(v).get(k));
                    StateProof p = sm.getWithProof(k, v);
                    assertThat(p.value()).isEqualTo(ref.at(v).get(k));
                    assertThat(p.verify()).isTrue();
                }
            }
            // and it goes on committing and pruning from where it was
            WriteSet ws = Workload.writes(5, 12, 10);
            ref.apply(12, ws);
            assertThat(sm.commit(12, ws, null)).isEqualTo(ref.roots.get(12L));
            sm.awaitPruning();
            assertThat(sm.oldestRetainedVersion()).isEqualTo(10);
            StateStoreRandomizedTest.checkPrunedExactly(sm, ref, PruningConfig.keepLast(3));
        }
    }

    @Test
    void aCheckpointTakenWhileCommitsContinueOpensAsAWholeCommittedVersion() throws Exception {
        Path dir = tmp.resolve("s");
        int versions = 150;
        ConcurrentHashMap<Long, byte[]> roots = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Path> checkpoints = new ArrayList<>();
        try (StateManager sm = StateManager.open(dir, CFG.withPruning(PruningConfig.keepLast(20)))) {
            Thread committer = new Thread(() -> {
                try {
                    for (long v = 0; v < versions; v++) {
                        WriteSet extras = new WriteSet();
                        extras.put(b("height"), Versions.longBE(v));
                        roots.put(v, sm.commit(v, Workload.writes(8, v, 12), extras));
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            committer.start();
            int i = 0;
            while (committer.isAlive() && i < 6) {
                if (sm.latestVersion() >= i * 20L) {
                    Path cp = tmp.resolve("cp" + i++);
                    sm.checkpoint(cp);
                    checkpoints.add(cp);
                }
                Thread.onSpinWait();
            }
            assertThat(committer.join(Duration.ofSeconds(120))).as("the committer finished").isTrue();
        }
        assertThat(failed.get()).isNull();
        ReferenceHistory ref = new ReferenceHistory();
        for (long v = 0; v < versions; v++) {
            ref.apply(v, Workload.writes(8, v, 12));
        }
        assertThat(checkpoints).isNotEmpty();
        for (Path cp : checkpoints) {
            try (StateManager copy = StateManager.open(cp, CFG.withPruning(PruningConfig.keepLast(20)))) {
                long latest = copy.latestVersion();
                assertThat(latest).isBetween(0L, versions - 1L);
                assertThat(copy.latestRoot()).as("checkpoint %s at %d", cp, latest).isEqualTo(ref.roots.get(latest));
                assertThat(copy.getExtra(b("height"))).isEqualTo(Versions.longBE(latest));
                for (long v = copy.oldestRetainedVersion(); v <= latest; v++) {
                    assertThat(copy.rootAt(v)).isEqualTo(ref.roots.get(v));
                }
                for (byte[] k : StateStoreRandomizedTest.allKeys()) {
                    assertThat(copy.get(k)).isEqualTo(ref.at(latest).get(k));
                    assertThat(copy.getWithProof(k, copy.oldestRetainedVersion()).verify()).isTrue();
                }
            }
        }
    }

    @Test
    void aDirectoryInUseIsRefusedWithAnException() {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            sm.commit(0, Workload.writes(1, 0, 5), null);
            assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                    .hasMessageContaining(dir.toString());
            assertThat(sm.latestVersion()).isZero();
        }
    }

    @Test
    void commitsStillBeingWrittenWhenAPruningStoreClosesBecomeDurableWithoutAFailure() {
        Path dir = tmp.resolve("s");
        StateConfig cfg = CFG.withPruning(PruningConfig.keepLast(2));
        List<PendingCommit> pending = new ArrayList<>();
        byte[] last;
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, cfg, seams)) {
            seams.delayWrites(100);
            for (long v = 0; v < 4; v++) {
                WriteSet ws = new WriteSet();
                ws.put(b("k" + v), b("v" + v));
                pending.add(sm.commitPipelined(v, ws, null));
            }
            last = pending.get(3).root();
            // closed with writes in flight: the writer finishes them before the database closes
        }
        for (PendingCommit p : pending) {
            p.awaitDurable();
        }
        try (StateManager sm = StateManager.open(dir, cfg)) {
            assertThat(sm.latestVersion()).isEqualTo(3);
            assertThat(sm.latestRoot()).isEqualTo(last);
        }
    }

    @Test
    void aStateWhoseCurrentOrManifestFileIsDamagedIsReportedAsCorruptNotAsForeign() throws Exception {
        for (String damage : List.of("CURRENT", "MANIFEST")) {
            Path dir = tmp.resolve("s-" + damage);
            try (StateManager sm = StateManager.open(dir, CFG)) {
                sm.commit(0, Workload.writes(1, 0, 5), null);
            }
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (damage.equals("CURRENT") && name.equals("CURRENT")) {
                        java.nio.file.Files.writeString(f, "garbage\n");
                    } else if (damage.equals("MANIFEST") && name.startsWith("MANIFEST")) {
                        java.nio.file.Files.delete(f);
                    }
                }
            }
            assertThatThrownBy(() -> StateManager.open(dir, CFG)).as(damage).isInstanceOf(StateException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("corrupt");
        }
    }

    /**
     * Pruning runs beside reads without blocking them, so a version may be pruned while a read at
     * it is under way. Such a read must then say "pruned"; it must never answer from half-pruned
     * data (a missing value, a missing node, a missing root or change record). Every version here
     * rewrites every key, and only the last one is kept, so each commit prunes under the readers.
     */
    @Test
    void readsOverlappingThePruningOfTheirVersionAnswerRightOrSayPruned() throws Exception {
        int keys = 16;
        int versions = 1000;
        ConcurrentHashMap<Long, byte[]> roots = new ConcurrentHashMap<>();
        java.util.Set<String> wrong = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG.withPruning(PruningConfig.keepLast(1)))) {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread reader = new Thread(() -> {
                int round = 0;
                while (!done.get()) {
                    long v = sm.latestVersion();
                    if (v < 1) {
                        continue;
                    }
                    round++;
                    for (int i = 0; i < keys; i++) {
                        byte[] key = {(byte) i};
                        int kind = (round + i) % 4;
                        try {
                            switch (kind) {
                                case 0, 1 -> {
                                    byte[] got = sm.get(key, v);
                                    if (!java.util.Arrays.equals(got, Versions.longBE(v))) {
                                        wrong.add("get at " + v + " gave " + (got == null ? "null" : Versions.getLongBE(got, 0)));
                                    }
                                }
                                case 2 -> {
                                    StateProof p = sm.getWithProof(key, v);
                                    if (!java.util.Arrays.equals(p.value(), Versions.longBE(v)) || !p.verify()
                                            || !java.util.Arrays.equals(p.root(), roots.get(v))) {
                                        wrong.add("proof at " + v);
                                    }
                                    if (!java.util.Arrays.equals(sm.rootAt(v), roots.get(v))) {
                                        wrong.add("root at " + v);
                                    }
                                }
                                default -> {
                                    if (sm.changedKeys(v - 1, v).size() != keys) {
                                        wrong.add("changed keys at " + v);
                                    }
                                }
                            }
                            answered.incrementAndGet();
                        } catch (StateException e) {
                            if (!e.getMessage().contains("pruned; oldest retained is")) {
                                wrong.add(e.getMessage());
                            }
                        }
                    }
                }
            });
            reader.start();
            try {
                for (long v = 0; v < versions; v++) {
                    WriteSet ws = new WriteSet();
                    for (int i = 0; i < keys; i++) {
                        ws.put(new byte[] {(byte) i}, Versions.longBE(v));
                    }
                    // the root is known before the version is visible to the reader
                    roots.put(v, ReferenceHistory.rootOf(treeOf(ws)));
                    sm.commit(v, ws, null);
                }
            } finally {
                done.set(true);
                assertThat(reader.join(Duration.ofSeconds(60))).as("the reader stopped").isTrue();
            }
        }
        assertThat(answered.get()).isPositive();
        assertThat(wrong).as("reads that neither answered right nor said pruned").isEmpty();
    }

    private static java.util.TreeMap<byte[], byte[]> treeOf(WriteSet ws) {
        java.util.TreeMap<byte[], byte[]> m = ReferenceHistory.newMap();
        ws.forEach(m::put);
        return m;
    }

    @Test
    void aStoreReopensWhenNothingOrAnEmptyTreeWasCommittedAndGoesOn() {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(StateStore.NO_VERSION);
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(StateStore.NO_VERSION);
            WriteSet ws = new WriteSet();
            ws.put(b("a"), b("1"));
            sm.commit(2, ws, null);
            WriteSet del = new WriteSet();
            del.delete(b("a"));
            assertThat(sm.commit(3, del, null)).isEqualTo(io.dexnode.jmt.JellyfishMerkleTree.emptyRootHash());
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(3);
            assertThat(sm.oldestRetainedVersion()).isEqualTo(2);
            assertThat(sm.latestRoot()).isEqualTo(io.dexnode.jmt.JellyfishMerkleTree.emptyRootHash());
            assertThat(sm.getWithProof(b("a"), 3).verify()).isTrue();
            assertThat(sm.get(b("a"), 2)).isEqualTo(b("1"));
            WriteSet ws = new WriteSet();
            ws.put(b("b"), b("2"));
            assertThat(sm.commit(7, ws, null)).isEqualTo(ReferenceHistory.rootOf(java.util.Map.of(b("b"), b("2"))));
            assertThat(sm.get(b("a"), 6)).isNull();
            assertThat(sm.getWithProof(b("a"), 7).verify()).isTrue();
        }
    }

    @Test
    void aCheckpointIntoANewNestedDirectoryOpens() {
        Path cp = tmp.resolve("backups").resolve("cp1");
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG)) {
            WriteSet ws = new WriteSet();
            ws.put(b("a"), b("1"));
            sm.commit(0, ws, null);
            sm.checkpoint(cp);
        }
        try (StateManager copy = StateManager.open(cp, CFG)) {
            assertThat(copy.get(b("a"))).isEqualTo(b("1"));
        }
    }
}
