package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pipelined commits: the next version is prepared while the previous one is written. Roots and
 * reads must be exactly those of synchronous commits, nothing handed to the writer may be lost
 * on close, and a failed write must fail the store and every later pending commit.
 */
@Timeout(300)
class PipelinedCommitTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void pipelinedCommitsGiveTheRootsAndReadsOfSynchronousOnesAndAllLandOnDisk(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryStateStore model = new InMemoryStateStore();
        Path dir = tmp.resolve("s");
        List<PendingCommit> pending = new ArrayList<>();
        int versions = 120;
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, CFG, seams)) {
            // slow writes: every commit is prepared while earlier ones are still being written
            seams.delayWrites(seed == 1 ? 20 : 0);
            for (int v = 0; v < versions; v++) {
                WriteSet ws = new WriteSet();
                int n = 1 + rnd.nextInt(40);
                for (int i = 0; i < n; i++) {
                    byte[] key = b("k" + rnd.nextInt(300));
                    if (rnd.nextInt(5) == 0) {
                        ws.delete(key);
                    } else {
                        ws.put(key, b("v" + v + "." + i));
                    }
                }
                PendingCommit p = sm.commitPipelined(v, ws, null);
                pending.add(p);
                assertThat(p.root()).as("root of version %d", v).isEqualTo(model.commit(v, ws, null));
                assertThat(sm.latestVersion()).isEqualTo(v);
                // latest values are visible at once, whether or not the write has landed
                for (int i = 0; i < 20; i++) {
                    byte[] key = b("k" + rnd.nextInt(300));
                    assertThat(sm.get(key)).isEqualTo(model.get(key));
                }
                if (v % 15 == 14) {
                    // every other read waits for the writes in flight, then sees them
                    byte[] key = b("k" + rnd.nextInt(300));
                    assertThat(sm.multiGet(List.of(key)).get(0)).isEqualTo(model.get(key));
                    assertThat(sm.get(key, v)).isEqualTo(model.get(key));
                    assertThat(sm.rootAt(v)).isEqualTo(p.root());
                    assertThat(pending.get(pending.size() - 1).durable()).isDone();
                }
            }
            // closed without waiting: the writer finishes what it was handed
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(versions - 1);
            assertThat(sm.latestRoot()).isEqualTo(model.latestRoot());
            for (int k = 0; k < 300; k++) {
                assertThat(sm.get(b("k" + k))).isEqualTo(model.get(b("k" + k)));
            }
            for (int v = 0; v < versions; v += 7) {
                assertThat(sm.rootAt(v)).isEqualTo(pending.get(v).root());
            }
        }
        for (PendingCommit p : pending) {
            assertThat(p.durable()).isCompleted();
        }
    }

    @Test
    void commitsPreparedWhileEarlierWritesAreSlowReadOnlyWhatIsInMemoryOrOnDisk() {
        // The first commit builds an unlinked tree; the next would read its nodes from disk, so it
        // must wait for that write (it once read them before they were there: "missing node").
        InMemoryStateStore model = new InMemoryStateStore();
        Path dir = tmp.resolve("s");
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, CFG, seams)) {
            seams.delayWrites(150);
            for (int v = 0; v < 6; v++) {
                WriteSet ws = new WriteSet();
                for (int i = 0; i < 50; i++) {
                    ws.put(b("k" + (i * 7 + v) % 100), b("v" + v));
                }
                assertThat(sm.commitPipelined(v, ws, null).root()).isEqualTo(model.commit(v, ws, null));
            }
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isEqualTo(5);
            assertThat(sm.latestRoot()).isEqualTo(model.latestRoot());
        }
    }

    @Test
    void aFailedPipelinedWriteFailsItsCommitEveryLaterOneAndTheStore() {
        Path dir = tmp.resolve("s");
        byte[] root;
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, CFG, seams)) {
            WriteSet first = new WriteSet();
            first.put(b("a"), b("1"));
            root = sm.commit(0, first, null);
            seams.failNextWrite("No space left on device");
            WriteSet second = new WriteSet();
            second.put(b("a"), b("2"));
            PendingCommit failed = sm.commitPipelined(1, second, null);
            PendingCommit later = null;
            try {
                WriteSet third = new WriteSet();
                third.put(b("a"), b("3"));
                later = sm.commitPipelined(2, third, null);
            } catch (StateException refusedAtOnce) {
                assertThat(refusedAtOnce).hasMessageContaining("refuses further use");
            }
            assertThatThrownBy(failed::awaitDurable).isInstanceOf(StateException.class).hasMessageContaining("No space left on device");
            if (later != null) {
                assertThatThrownBy(later::awaitDurable).isInstanceOf(StateException.class).hasMessageContaining("refuses further use");
            }
            WriteSet fourth = new WriteSet();
            fourth.put(b("a"), b("4"));
            assertThatThrownBy(() -> sm.commitPipelined(3, fourth, null)).isInstanceOf(StateException.class)
                    .hasMessageContaining("refuses further use");
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.latestVersion()).isZero();
            assertThat(sm.latestRoot()).isEqualTo(root);
            assertThat(sm.get(b("a"))).isEqualTo(b("1"));
        }
    }

    @Test
    void aDurableReadWaitsForTheCommitInFlightWhileThePlainReadSeesItAtOnce() throws Exception {
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(tmp.resolve("s"), CFG, seams)) {
            WriteSet first = new WriteSet();
            first.put(b("k"), b("v0"));
            sm.commit(0, first, null);
            // The write is held, not delayed: it stays in flight however slowly this test runs.
            CountDownLatch release = new CountDownLatch(1);
            seams.holdWrites(release);
            try {
                WriteSet second = new WriteSet();
                second.put(b("k"), b("v1"));
                PendingCommit p = sm.commitPipelined(1, second, null);
                assertThat(sm.get(b("k"))).as("the committing side reads its own version at once").isEqualTo(b("v1"));
                assertThat(p.durable()).isNotDone();

                FutureTask<byte[]> durableRead = new FutureTask<>(() -> sm.getDurable(b("k")));
                Thread reader = new Thread(durableRead, "durable-reader");
                reader.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (reader.getState() != Thread.State.WAITING && !durableRead.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(durableRead).as("the durable read waits while the write is held").isNotDone();
                release.countDown();
                assertThat(durableRead.get(30, TimeUnit.SECONDS)).isEqualTo(b("v1"));
                assertThat(p.durable()).as("the durable read waited for the write").isDone();
            } finally {
                release.countDown(); // before the close, which waits for the writer
            }
        }
    }
}
