package io.dexnode.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark's temporary directory: created under a parent folder (the system's temporary folder
 * when none is given) and deleted with everything in it on close, so that a run leaves nothing
 * behind however it ends. One place for every benchmark that needs a scratch store.
 */
public final class ScratchDirectory implements AutoCloseable {
    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** A new directory named {@code prefix…} under {@code parent}, or under {@code java.io.tmpdir} when it is null. */
    public static ScratchDirectory create(Path parent, String prefix) {
        Path base = parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(base);
            return new ScratchDirectory(Files.createTempDirectory(base, prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory under " + base, e);
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and everything under it. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
