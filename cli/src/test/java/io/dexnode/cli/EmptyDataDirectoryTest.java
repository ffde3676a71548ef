package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A command that reads, verifies, repairs or migrates a state refuses an empty {@code --data}
 * directory and leaves it empty: {@code index verify} once created a store there and passed, and
 * {@code state migrate} left a store without a format that every later command refused.
 */
class EmptyDataDirectoryTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"index verify", "index rebuild", "state migrate", "book --market 1"})
    void anEmptyDirectoryIsRefusedAndLeftEmpty(String command) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String[] words = command.split(" ");
        String[] args = new String[words.length + 2];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--data";
        args[words.length + 1] = empty.toString();

        CliRun run = CliRun.of(args);

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("no state in " + empty);
        try (Stream<Path> left = Files.list(empty)) {
            assertThat(left).as("nothing written").isEmpty();
        }
    }
}
