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

/**
 * {@code dexnode state stats} on a replayed chain that archives finished orders two blocks after
 * they finish: the tree holds only the orders still resting and those finished in the last two
 * blocks; the archive holds the rest, and the trades stay in the history.
 */
class StateStatsCliTest {
    @TempDir
    Path tmp;

    @Test
    void statsCountTheLiveKeysByTypeAndTheArchiveBesideThem() throws Exception {
        List<String> blocks = new ArrayList<>();
        blocks.add("{\"height\":1,\"time\":0,\"txs\":[{\"type\":\"chain_params\",\"archiveAfterBlocks\":2},"
                + "{\"type\":\"create_market\",\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,"
                + "\"makerFeeBps\":2,\"takerFeeBps\":5,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500},"
                + "{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":1000000},{\"type\":\"deposit\",\"account\":\"bob\",\"amount\":1000000}]}");
        // Each block: alice rests a bid above the earlier ones, bob places a bid and cancels it, and sells 1 into
        // alice's new bid (which stays resting with 1 left).
        for (int h = 2; h <= 11; h++) {
            long resting = 1 + 3L * (h - 2);
            blocks.add("{\"height\":" + h + ",\"time\":" + h + ",\"txs\":["
                    + "{\"type\":\"place\",\"account\":\"alice\",\"market\":1,\"side\":\"buy\",\"price\":" + (100 + h) + ",\"size\":2},"
                    + "{\"type\":\"place\",\"account\":\"bob\",\"market\":1,\"side\":\"buy\",\"price\":90,\"size\":1},"
                    + "{\"type\":\"cancel\",\"account\":\"bob\",\"order\":" + (resting + 1) + "},"
                    + "{\"type\":\"place\",\"account\":\"bob\",\"market\":1,\"side\":\"sell\",\"price\":" + (100 + h) + ",\"size\":1,\"tif\":\"ioc\"}]}");
        }
        Path in = Files.writeString(tmp.resolve("blocks.jsonl"), String.join("\n", blocks) + "\n");
        Path data = tmp.resolve("data");
        assertThat(CliRun.of("replay", "--in", in.toString(), "--data", data.toString(), "--no-fsync").exit()).isZero();

        CliRun run = CliRun.of("state", "stats", "--data", data.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode stats = new ObjectMapper().readTree(run.out());
        assertThat(stats.get("height").asLong()).isEqualTo(11);
        JsonNode live = stats.get("live");
        // 30 orders: 20 finished (bob's cancelled bids and IOC sells), alice's 10 bids each partly filled, resting.
        // Finished in blocks 10 and 11 are still in the tree (4); the 16 others are archived.
        assertThat(live.get("order").asLong()).isEqualTo(10 + 4);
        assertThat(live.get("activeOrder").asLong()).isEqualTo(10);
        assertThat(live.get("account").asLong()).isEqualTo(3); // alice, bob and the fee account
        assertThat(live.get("market").asLong()).isEqualTo(1);
        assertThat(live.get("archiveQueue").asLong()).as("blocks 10 and 11's finished orders, due at 12 and 13").isEqualTo(2);
        assertThat(live.get("archiveHead").asLong()).isEqualTo(1);
        assertThat(stats.fieldNames()).toIterable().containsExactly("height", "live", "archive");
        live.properties().forEach(e -> assertThat(e.getValue().isIntegralNumber()).as(e.getKey()).isTrue());
        JsonNode archive = stats.get("archive");
        assertThat(archive.fieldNames()).toIterable().containsExactly("orders", "fills", "bytes");
        assertThat(archive.get("orders").asLong()).isEqualTo(16);
        assertThat(archive.get("fills").asLong()).isEqualTo(10);
        assertThat(archive.get("bytes").asLong()).isPositive();

        CliRun text = CliRun.of("state", "stats", "--data", data.toString());
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("activeOrder").contains("archive: 16 orders").contains("on disk: latest values")
                .containsPattern("on disk: value history \\(every retained version's values\\) [0-9,]+ bytes,"
                        + " persisted tree nodes [0-9,]+ bytes, change logs [0-9,]+ bytes");
        assertThat(CliRun.of("state", "nonsense", "--data", data.toString()).exit()).isEqualTo(2);
        assertThat(CliRun.of("state", "stats", "--data", tmp.resolve("absent").toString()).exit()).isEqualTo(1);
    }
}
