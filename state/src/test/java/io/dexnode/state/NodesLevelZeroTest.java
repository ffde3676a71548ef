package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.EnvOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.SstFileWriter;

/**
 * Tree persists each add a level-0 file of nodes, faster under sustained load than one compaction
 * slot clears them while another family compacts: past RocksDB's default of 20 such files every
 * write of the store was slowed (docs/BENCHMARKS.md). The store tolerates more before it slows
 * writes ({@link StateDirectory#NODES_L0_SLOWDOWN}).
 */
class NodesLevelZeroTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void levelZeroFilesOfNodesPastRocksDbsDefaultDoNotSlowWrites() throws Exception {
        try (StateDirectory d = StateDirectory.openLayout(tmp.resolve("s"), 8 << 20)) {
            d.startCompactions();
            // Compactions held, as when another family's long compaction holds the only slot.
            d.db.pauseBackgroundWork();
            try {
                ingestOverlappingNodeFiles(d, 36);
                long levelZero = Long.parseLong(d.db.getProperty(d.nodes, "rocksdb.num-files-at-level0"));
                assertThat(levelZero).as("level-0 files of nodes (RocksDB's default slows writes at 20)").isBetween(21L, 36L);
                assertThat(d.db.getProperty("rocksdb.actual-delayed-write-rate")).as("delayed write rate").isEqualTo("0");
                assertThat(d.db.getProperty("rocksdb.is-write-stopped")).as("writes stopped").isEqualTo("0");
            } finally {
                d.db.continueBackgroundWork();
            }
        }
    }

    /** Files covering the same keys: once the levels below hold one each, the rest land in level 0. */
    private void ingestOverlappingNodeFiles(StateDirectory d, int count) throws Exception {
        List<String> files = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            String file = tmp.resolve("nodes-" + f + ".sst").toString();
            try (Options o = new Options(); EnvOptions e = new EnvOptions(); SstFileWriter w = new SstFileWriter(e, o)) {
                w.open(file);
                w.put(new byte[] {0, (byte) f}, new byte[] {1});
                w.put(new byte[] {(byte) 0xFF, (byte) f}, new byte[] {1});
                w.finish();
            }
            files.add(file);
        }
        try (IngestExternalFileOptions ingest = new IngestExternalFileOptions()) {
            for (String file : files) {
                d.db.ingestExternalFile(d.nodes, List.of(file), ingest);
            }
        }
    }
}
