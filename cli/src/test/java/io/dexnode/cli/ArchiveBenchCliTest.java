package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode bench archive} measures every compression on a small run and deletes its databases. */
class ArchiveBenchCliTest {
    @TempDir
    Path tmp;

    @Test
    void smallRunMeasuresEachCompressionAndLeavesNoTemporaryFiles() throws Exception {
        Path json = tmp.resolve("archive.json");
        Path work = Files.createDirectories(tmp.resolve("work"));
        int exit = Main.execute("bench", "archive", "--orders", "3000", "--block-txs", "100", "--archive-after", "2",
                "--json", json.toString(), "--dir", work.toString());
        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        assertThat(report.get("archivedOrders").asLong()).isPositive();
        assertThat(report.get("trades").asLong()).isPositive();
        assertThat(report.get("variants")).extracting(v -> v.get("compression").asText())
                .containsExactly("none", "lz4", "zstd", "zstd+dictionary");
        for (JsonNode v : report.get("variants")) {
            assertThat(v.get("bytesPerArchivedOrder").asDouble()).isPositive();
        }
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("temporary databases deleted").isEmpty();
        }
        assertThat(Main.execute("bench", "archive", "--orders", "0")).isEqualTo(2);
    }
}
