package io.dexnode.state;

import static io.dexnode.state.Writes.b;
import static io.dexnode.state.Writes.puts;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proof at a retained version that is neither the latest nor a persisted tree is recomputed
 * forward from the persisted tree below it — also while a later version's persist is in flight, whose
 * root readers may already see (the recomputation once found that root and stopped: "version 7 is
 * already written").
 */
@Timeout(60)
class ProofWhilePersistingTest {
    @TempDir
    Path tmp;

    @Test
    void aProofRecomputedForwardIgnoresTheTreeOfAPersistInFlight() {
        TestSeams seams = new TestSeams();
        StateConfig cfg = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20)
                .withNodeCacheEntries(0) // unpersisted nodes in maps, as for any tree larger than the cache
                .withTreePersistence(new TreePersistence(4, 1_000_000, 1 << 30));
        CountDownLatch release = new CountDownLatch(1);
        try (StateManager sm = StateManager.open(tmp.resolve("s"), cfg, seams)) {
            for (int v = 0; v < 4; v++) {
                sm.commit(v, puts("k" + v, "v" + v), null);
            }
            sm.awaitPruning(); // the tree of version 3 is persisted
            seams.holdPersists(release); // the next persists (versions 7 and 11) wait
            for (int v = 4; v < 15; v++) {
                sm.commit(v, puts("k" + v, "v" + v), null);
            }
            assertThat(sm.persistedTreeVersions()).containsExactly(3L);
            StateProof p;
            StateProof absent;
            try {
                // Version 7: no persisted tree, the latest (14) farther than the base (3): forward.
                p = sm.getWithProof(b("k5"), 7);
                absent = sm.getWithProof(b("k9"), 7);
            } finally {
                release.countDown(); // before close, which waits for the held persists
            }
            assertThat(p.value()).isEqualTo(b("v5"));
            assertThat(p.verify()).isTrue();
            assertThat(absent.value()).isNull();
            assertThat(absent.verify()).isTrue();
            assertThat(p.root()).isEqualTo(sm.rootAt(7));
        }
    }
}
