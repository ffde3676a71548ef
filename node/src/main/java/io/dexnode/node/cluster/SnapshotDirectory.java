package io.dexnode.node.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Where a replica's Raft snapshots live: {@code RAFT/…/sm/snapshot-<term>-<index>/}, each a complete
 * copy of the state at that log position (a RocksDB hard-link checkpoint and the book snapshot).
 * A snapshot is written under a temporary name and renamed when complete, so a directory with the
 * final name is always whole. Ratis sends every file of the latest one to a replica that is too far
 * behind for the log (install-snapshot), and that replica receives them under the same names.
 */
public final class SnapshotDirectory implements StateMachineStorage {
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d+)-(\\d+)");
    private static final String TEMPORARY = ".tmp-";
    /** What Ratis writes beside each received file; not part of the snapshot. */
    private static final String MD5_SUFFIX = ".md5";
    /** Fewer than two would delete the snapshot a lagging replica may still be receiving. */
    private static final int MIN_RETAINED = 2;
    /**
     * How long an older snapshot is kept after it was written, beyond the newest ones: the leader
     * reads a snapshot's files as it sends them, so a snapshot deleted during a transfer fails it
     * and the replica starts over with the newest one — with snapshots coming faster than a
     * transfer takes (a large state, a busy chain), it would never catch up. Seen in a test with
     * snapshots every 8 entries (the leader's read failed with "no such file").
     */
    static final Duration TRANSFER_ALLOWANCE = Duration.ofMinutes(10);
    /** At most this many snapshots are kept, however young (each pins the table files it links). */
    static final int MAX_RETAINED = 16;

    private final Clock clock;
    private volatile File dir;
    private volatile SnapshotInfo latest;

    public SnapshotDirectory() {
        this(Clock.systemUTC());
    }

    /** With {@code clock} for the age of snapshots (tests). */
    SnapshotDirectory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(RaftStorage storage) throws IOException {
        dir = storage.getStorageDir().getStateMachineDir();
        Files.createDirectories(dir.toPath());
        refresh();
    }

    /** The state machine directory. */
    public Path root() {
        return dir.toPath();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    /** The directory of the latest complete snapshot, or null. */
    public Path latestPath() {
        SnapshotInfo s = latest;
        return s == null ? null : path(s.getTermIndex());
    }

    Path path(TermIndex at) {
        return root().resolve("snapshot-" + at.getTerm() + "-" + at.getIndex());
    }

    /** A temporary directory to write the snapshot of {@code at} into before {@link #publish}. */
    Path temporary(TermIndex at) throws IOException {
        Path tmp = root().resolve(TEMPORARY + path(at).getFileName());
        if (Files.exists(tmp)) {
            deleteTree(tmp);
        }
        return tmp;
    }

    /** Renames a complete temporary snapshot to its final name and makes it the latest. */
    void publish(Path tmp, TermIndex at) throws IOException {
        Path target = path(at);
        if (Files.exists(target)) {
            deleteTree(tmp); // this position is already kept
        } else {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        refresh();
    }

    /** Re-reads the directory (after a snapshot was received from the leader). */
    public synchronized void refresh() throws IOException {
        TermIndex best = null;
        for (Path p : list()) {
            TermIndex t = termIndex(p);
            if (best == null || t.getIndex() > best.getIndex()) {
                best = t;
            }
        }
        latest = best == null ? null : new FileListSnapshotInfo(files(path(best)), best);
    }

    private static List<FileInfo> files(Path snapshot) throws IOException {
        List<FileInfo> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(snapshot)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                if (!p.getFileName().toString().endsWith(MD5_SUFFIX)) {
                    out.add(new FileInfo(p, null));
                }
            }
        }
        return out;
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> entries = Files.list(root())) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparingLong(p -> termIndex(p).getIndex())).toList();
        }
    }

    private static TermIndex termIndex(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(p + " is not a snapshot directory");
        }
        return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    @Override
    public void format() {
    }

    /**
     * Keeps the newest {@code policy} snapshots (at least two) and any other written less than
     * {@link #TRANSFER_ALLOWANCE} ago, up to {@link #MAX_RETAINED} in all; deletes the rest and
     * leftover temporary directories.
     */
    @Override
    public synchronized void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        int keep = Math.max(MIN_RETAINED, policy.getNumSnapshotsRetained());
        List<Path> all = list();
        long youngAfter = clock.millis() - TRANSFER_ALLOWANCE.toMillis();
        int kept = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            Path s = all.get(i);
            boolean newest = all.size() - i <= keep;
            if (newest || kept < MAX_RETAINED && Files.getLastModifiedTime(s).toMillis() > youngAfter) {
                kept++;
            } else {
                deleteTree(s);
            }
        }
        try (Stream<Path> entries = Files.list(root())) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(TEMPORARY)).toList()) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
