package io.dexnode.node;

import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.state.StateManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's periodic backups ({@code --checkpoints K}): after each passing consistency check the
 * node writes {@code DATA/checkpoints/height-<20 digits>}, a complete data directory at that
 * block. It holds a RocksDB hard-link checkpoint of the state (so it costs little space until
 * compactions replace the files it links) and the book snapshot of the same height (so a node
 * started on it recovers its books from the snapshot, not by a rebuild). The newest {@code K} are
 * kept. A checkpoint is built under a temporary name and renamed when complete, so a crash never
 * leaves a partial one under a real name; leftovers are deleted by the next checkpoint.
 */
public final class Checkpoints {
    /** The checkpoint folder's name inside a node's data directory. */
    public static final String DIRECTORY = "checkpoints";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("height-\\d{20}");
    private static final String TEMPORARY = ".tmp-";

    private Checkpoints() {
    }

    public static Path dir(Path data) {
        return data.resolve(DIRECTORY);
    }

    static String name(long height) {
        return String.format("height-%020d", height);
    }

    /** The complete checkpoints in {@code data}, oldest first. */
    public static List<Path> list(Path data) {
        Path dir = dir(data);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Writes the checkpoint of {@code height}, the store's committed height, with the book snapshot
     * {@code bookSnapshot} of the same height (null: none, the node started on it rebuilds its books
     * from state), then deletes all but the newest {@code keep}. Called between blocks on the
     * engine's thread. A failure is logged as an error and leaves the node running: its live data is
     * untouched, and the next check tries again.
     *
     * @return whether the checkpoint of {@code height} exists now
     */
    static boolean write(StateManager store, Path data, long height, Path bookSnapshot, int keep) {
        long t0 = System.nanoTime();
        Path dir = dir(data);
        Path target = dir.resolve(name(height));
        try {
            Files.createDirectories(dir);
            deleteLeftovers(dir);
            if (Files.exists(target)) {
                return true; // this height is already kept (a check ran twice at one height)
            }
            Path tmp = dir.resolve(TEMPORARY + name(height));
            store.checkpoint(tmp);
            if (bookSnapshot != null) {
                Path books = Files.createDirectories(tmp.resolve(BookSnapshotWriter.DIRECTORY));
                Path copy = books.resolve(bookSnapshot.getFileName());
                Files.copy(bookSnapshot, copy);
                // On disk before the checkpoint takes its final name (RocksDB syncs its own files).
                try (FileChannel c = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                BookSnapshotWriter.syncDirectory(books);
                BookSnapshotWriter.syncDirectory(tmp);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            BookSnapshotWriter.syncDirectory(dir);
            List<Path> kept = list(data);
            for (Path old : kept.subList(0, Math.max(0, kept.size() - keep))) {
                deleteTree(old);
            }
            LOG.info("wrote checkpoint {} in {} ms", target, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("could not write the checkpoint {}: {}", target, e.toString());
            return false;
        }
    }

    private static void deleteLeftovers(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(TEMPORARY)).toList()) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
