package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode bench state} runs end to end on a small state, writes its JSON and cleans up. */
class StateBenchCliTest {

    @TempDir
    Path tmp;

    @Test
    void smallRunWritesJsonAndLeavesNoTemporaryFiles() throws Exception {
        Path json = tmp.resolve("out/state.json");
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.execute("bench", "state", "--keys", "3000", "--batch", "100,500", "--updates", "2000",
                    "--json", json.toString(), "--dir", work.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(exit).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("batch    100", "batch    500", "key updates/s", "raw RocksDB", "point reads", "prefix scans");
        String text = Files.readString(json);
        assertThat(text).startsWith("{\"keys\":3000,\"batch\":500,\"keyUpdatesPerSec\":")
                .contains("\"rawRocksKeysPerSec\":", "\"slowdownVsRaw\":", "\"runs\":[{\"batch\":100");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("temporary databases deleted").isEmpty();
        }
    }

    @Test
    void nonPositiveSizesAreRejected() {
        assertThat(Main.execute("bench", "state", "--keys", "0")).isEqualTo(2);
        assertThat(Main.execute("bench", "state", "--batch", "-5")).isEqualTo(2);
    }
}
