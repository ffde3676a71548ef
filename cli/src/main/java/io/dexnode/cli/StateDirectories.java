package io.dexnode.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the commands that work on an existing state check first: opening a store creates one where there is none. */
final class StateDirectories {
    private StateDirectories() {
    }

    /**
     * Why {@code data} holds no state to work on — it is not a directory, or it is empty — or null
     * when it may: a command that reads, verifies or migrates a state must not create one (a wrong
     * {@code --data} would then pass, and leave a store behind that later opens as another state).
     */
    static String noState(Path data) {
        if (!Files.isDirectory(data)) {
            return "no data directory at " + data;
        }
        try (Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isEmpty() ? "no state in " + data + " (the directory is empty)" : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + data, e);
        }
    }
}
