package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link StateDirectory#idle()} settles benchmark legs ({@code StateManager.awaitBackgroundWork}).
 * The value history compacts universally, and RocksDB then reports a compaction pending for good
 * when the family holds exactly its trigger's number of sorted runs, each larger than all newer
 * ones together (its picker finds nothing to merge): the store must still count as idle.
 */
class StateDirectoryIdleTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void aValueHistoryWithNothingToMergeCountsAsIdle() throws Exception {
        try (StateDirectory d = StateDirectory.openLayout(tmp.resolve("s"), 8 << 20);
             WriteOptions w = new WriteOptions()) {
            d.startCompactions();
            SplittableRandom r = new SplittableRandom(5);
            // Four sorted runs, oldest largest, each over the size of all newer ones together.
            for (int records : new int[] {20_000, 8_000, 3_000, 1_000}) {
                try (WriteBatch wb = new WriteBatch()) {
                    for (int i = 0; i < records; i++) {
                        byte[] key = new byte[40];
                        r.nextBytes(key);
                        byte[] value = new byte[60];
                        r.nextBytes(value);
                        wb.put(d.versions, key, value);
                    }
                    d.db.write(w, wb);
                }
                d.flush("test", d.versions);
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            boolean idle = false;
            while (!idle && System.nanoTime() < deadline) {
                Thread.sleep(50);
                idle = d.idle();
            }
            assertThat(idle).as("idle once nothing runs (compaction pending reported: %s)",
                    d.db.getProperty(d.versions, "rocksdb.compaction-pending")).isTrue();
        }
    }
}
