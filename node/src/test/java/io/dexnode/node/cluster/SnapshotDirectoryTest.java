package io.dexnode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of a replica's Raft snapshots are kept when Ratis asks for the old ones to be cleaned up. */
class SnapshotDirectoryTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    private static final SnapshotRetentionPolicy KEEP_TWO = new SnapshotRetentionPolicy() {
        @Override
        public int getNumSnapshotsRetained() {
            return 2;
        }
    };

    @TempDir
    Path dir;

    private RaftStorage storage;
    private SnapshotDirectory snapshots;

    @BeforeEach
    void open() throws IOException {
        storage = TestRaftStorage.format(dir.resolve("raft"));
        snapshots = new SnapshotDirectory(Clock.fixed(NOW, ZoneOffset.UTC));
        snapshots.init(storage);
    }

    @AfterEach
    void close() throws IOException {
        storage.close();
    }

    /** A complete snapshot at log index {@code index}, written {@code age} ago. */
    private void written(long index, Duration age) throws IOException {
        Path s = snapshots.root().resolve("snapshot-1-" + index);
        Files.createDirectories(s.resolve("state"));
        Files.writeString(s.resolve("height"), Long.toString(index / 2));
        Files.setLastModifiedTime(s, FileTime.from(NOW.minus(age)));
    }

    private List<String> kept() throws IOException {
        try (Stream<Path> entries = Files.list(snapshots.root())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theNewestTwoAndAnyWrittenWithinTheTransferAllowanceAreKeptAndTheRestDeleted() throws IOException {
        written(100, Duration.ofHours(2));
        written(200, Duration.ofHours(1));
        written(300, SnapshotDirectory.TRANSFER_ALLOWANCE.minusMinutes(1)); // a leader may still be sending it
        written(400, Duration.ofMinutes(2));
        written(500, Duration.ofMinutes(1));
        Files.createDirectories(snapshots.root().resolve(".tmp-snapshot-1-600"));
        snapshots.refresh();

        snapshots.cleanupOldSnapshots(KEEP_TWO);

        assertThat(kept()).containsExactly("snapshot-1-300", "snapshot-1-400", "snapshot-1-500");
        assertThat(snapshots.getLatestSnapshot().getIndex()).isEqualTo(500);
    }

    @Test
    void theNewestTwoAreKeptHoweverOldAndYoungOnesAreCappedAtMaxRetained() throws IOException {
        written(1, Duration.ofDays(3));
        written(2, Duration.ofDays(2));
        snapshots.cleanupOldSnapshots(KEEP_TWO);
        assertThat(kept()).containsExactly("snapshot-1-1", "snapshot-1-2");

        for (int i = 3; i <= SnapshotDirectory.MAX_RETAINED + 5; i++) {
            written(i, Duration.ofSeconds(1));
        }
        snapshots.cleanupOldSnapshots(KEEP_TWO);
        List<String> kept = kept();
        assertThat(kept).hasSize(SnapshotDirectory.MAX_RETAINED);
        assertThat(kept).contains("snapshot-1-" + (SnapshotDirectory.MAX_RETAINED + 5))
                .doesNotContain("snapshot-1-1", "snapshot-1-2", "snapshot-1-5");
    }
}
