package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version gaps (a block height skipped) under pipelined commits, with a tree small enough to run
 * linked (resident): a commit must never read from disk a node whose write is still in flight,
 * whether the gap is in this commit or in the one before it.
 */
class PipelinedGapCommitTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    private static WriteSet writes(int version) {
        WriteSet ws = new WriteSet();
        for (int i = 0; i < 20; i++) {
            ws.put(b("k" + i), b("v" + version + "." + i));
        }
        return ws;
    }

    @Test
    void aCommitAfterAGapBuildsOnAPreviousCommitThatIsNotYetOnDisk() {
        checkPipelined(new long[] {0, 1}, new long[] {2, 4});
    }

    @Test
    void aCommitBuildsOnAGapCommitThatIsNotYetOnDisk() {
        checkPipelined(new long[] {0, 1}, new long[] {3, 4});
    }

    /**
     * Commits {@code synced} synchronously, then {@code held} pipelined with every write held back
     * (at most two: a third commit would wait for the first write).
     */
    private void checkPipelined(long[] synced, long[] held) {
        Path dir = tmp.resolve("s");
        InMemoryStateStore model = new InMemoryStateStore();
        CountDownLatch release = new CountDownLatch(1);
        TestSeams seams = new TestSeams();
        try (StateManager sm = StateManager.open(dir, CFG, seams)) {
            for (long v : synced) {
                assertThat(sm.commit(v, writes((int) v), null)).isEqualTo(model.commit(v, writes((int) v), null));
            }
            seams.holdWrites(release);
            try {
                for (long v : held) {
                    assertThat(sm.commitPipelined(v, writes((int) v), null).root())
                            .as("root of version %d", v).isEqualTo(model.commit(v, writes((int) v), null));
                }
            } finally {
                release.countDown();
            }
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            long last = held[held.length - 1];
            assertThat(sm.latestVersion()).isEqualTo(last);
            assertThat(sm.latestRoot()).isEqualTo(model.latestRoot());
            assertThat(sm.get(b("k7"))).isEqualTo(b("v" + last + ".7"));
        }
    }
}
