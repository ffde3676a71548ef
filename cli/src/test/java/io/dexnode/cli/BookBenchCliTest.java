package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode bench book} runs a tiny benchmark and writes exactly the documented JSON fields. */
class BookBenchCliTest {

    @Test
    void tinyBookBenchWritesTheDocumentedJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/book.json");
        int exit = Main.execute("bench", "book", "--commands", "20000", "--resting", "200", "--iterations", "1",
                "--warmup", "0", "--heap-orders", "20000", "--seed", "3", "--json", json.toString());
        assertThat(exit).isZero();
        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        assertThat(names(root)).containsExactly("commands", "resting", "iterations", "mcmdsPerSec",
                "bytesPerRestingOrder");
        assertThat(root.get("commands").asLong()).isEqualTo(20_000);
        assertThat(root.get("resting").asLong()).isEqualTo(200);
        assertThat(root.get("iterations").asLong()).isEqualTo(1);
        JsonNode rates = root.get("mcmdsPerSec");
        assertThat(names(rates)).containsExactly("min", "median", "max");
        assertThat(rates.get("min").asDouble()).isPositive();
        assertThat(rates.get("min").asDouble()).isLessThanOrEqualTo(rates.get("median").asDouble());
        assertThat(rates.get("median").asDouble()).isLessThanOrEqualTo(rates.get("max").asDouble());
        assertThat(root.get("bytesPerRestingOrder").asDouble()).isPositive();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void nonPositiveCommandsAreRefused() {
        assertThat(Main.execute("bench", "book", "--commands", "0")).isEqualTo(2);
    }
}
