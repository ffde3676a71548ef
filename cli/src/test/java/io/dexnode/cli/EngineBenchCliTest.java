package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dexnode bench engine} runs end to end on a small workload, counts only the timed orders,
 * writes the JSON fields issue #5 names, and deletes its temporary store.
 */
class EngineBenchCliTest {

    @TempDir
    Path tmp;

    @Test
    void smallRunWritesTheJsonFieldsAndLeavesNoTemporaryFiles() throws Exception {
        Path json = tmp.resolve("out/engine.json");
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        int exit = Main.execute("bench", "engine", "--orders", "3000", "--warmup", "1000", "--block-txs", "400",
                "--markets", "2", "--accounts", "50", "--archive-after", "2", "--json", json.toString(), "--dir", work.toString());
        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        assertThat(report.get("orders").asLong()).isEqualTo(3000);
        assertThat(report.get("warmupOrders").asLong()).isEqualTo(1000);
        assertThat(report.get("blockTxs").asLong()).isEqualTo(400);
        assertThat(report.get("blocks").asLong()).isEqualTo(8);
        assertThat(report.get("ordersPerSec").asDouble()).isPositive();
        for (String stage : new String[] {"matching", "tree", "rocksdb"}) {
            assertThat(report.get("secondsIn").get(stage).asDouble()).as(stage).isPositive();
        }
        assertThat(report.get("archiveAfterBlocks").asInt()).isEqualTo(2);
        assertThat(report.get("noArchival").get("archiveAfterBlocks").asInt()).isZero();
        assertThat(report.get("noArchival").get("ordersPerSec").asDouble()).isPositive();
        assertThat(report.has("archivalCostPercent")).isTrue();
        // 8 blocks in 10 turns: the 8 turns that ran a block, each compared on both chains.
        assertThat(report.get("archivalCostPercentByTurn")).hasSize(8);
        assertThat(report.get("liveState")).hasSize(10);
        assertThat(report.get("liveStateAtOrders").get(9).asLong()).isEqualTo(3000);
        long archivingKeys = report.get("liveState").get(9).get("keys").asLong();
        long keptKeys = report.get("noArchival").get("liveState").get(9).get("keys").asLong();
        assertThat(archivingKeys).as("the archiving chain's tree holds fewer keys").isLessThan(keptKeys);
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("temporary store deleted").isEmpty();
        }
    }

    @Test
    void withHoldersAndIndexMovesItReportsTheRiskPass() throws Exception {
        Path json = tmp.resolve("risk.json");
        Path work = tmp.resolve("work-risk");
        Files.createDirectories(work);
        int exit = Main.execute("bench", "engine", "--orders", "2000", "--warmup", "500", "--block-txs", "250",
                "--markets", "2", "--accounts", "50", "--holders", "300", "--index-moves", "--no-fsync",
                "--json", json.toString(), "--dir", work.toString());
        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        assertThat(report.get("holders").asInt()).isEqualTo(300);
        assertThat(report.get("indexMoves").asBoolean()).isTrue();
        assertThat(report.get("riskPass").get("examinedPerBlock").asDouble()).isPositive();
        assertThat(report.get("riskPassIndexMovesOnly").get("blocks").asInt()).isPositive();
        assertThat(report.get("riskPassIndexMovesOnly").get("meanMicros").asDouble()).isPositive();
        assertThat(Main.execute("bench", "engine", "--holders", "-1")).isEqualTo(2);
    }

    @Test
    void nonPositiveSizesAndNegativeWarmupsAreRejected() {
        assertThat(Main.execute("bench", "engine", "--orders", "0")).isEqualTo(2);
        assertThat(Main.execute("bench", "engine", "--block-txs", "-1")).isEqualTo(2);
        assertThat(Main.execute("bench", "engine", "--warmup", "-1")).isEqualTo(2);
        assertThat(Main.execute("bench", "engine", "--archive-after", "0")).isEqualTo(2);
    }
}
