package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.node.client.NodeClient;
import io.dexnode.testsupport.TemporaryDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --checkpoints K}: after each passing consistency check the node writes a complete data
 * directory of that height under {@code DATA/checkpoints}, keeps the newest K, and a node started
 * on a copy of one serves the same chain (root, books) from its book snapshot.
 */
@Timeout(300)
class CheckpointsTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("dexnode-checkpoints");
    }

    @AfterEach
    void tearDown() {
        TemporaryDirectory.deleteRecursively(dir);
    }

    @Test
    void theNewestCheckpointsAreKeptAndOneRestoresTheChainAtItsHeight() throws Exception {
        // A chain that archives finished orders a block after they finish: the checkpoint carries the archive and the trades.
        Path genesis = dir.resolve("genesis.json");
        Files.writeString(genesis, new String(Genesis.class.getResourceAsStream(Genesis.EMBEDDED).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replaceFirst("\\{", "{\"archiveAfterBlocks\":1,"));
        NodeConfig config = NodeRecoveryFixture.devConfig(dir).withGenesis(genesis).withConsistencyCheckBlocks(1).withCheckpoints(2);
        long height;
        String root;
        String depth;
        String trades;
        long taker;
        try (Node node = Node.start(config)) {
            NodeRecoveryFixture.placeBidAndAsk(node);
            NodeClient c = new NodeClient(node.url());
            io.dexnode.node.crypto.Signer t = io.dexnode.node.crypto.Signer.generate();
            assertThat(c.submit(t, "{\"account\":\"" + t.account() + "\",\"nonce\":1,\"type\":\"deposit\",\"amount\":1000000}").ok()).isTrue();
            taker = c.submit(t, "{\"account\":\"" + t.account() + "\",\"nonce\":2,\"type\":\"place\",\"market\":1,\"side\":\"buy\","
                    + "\"price\":101,\"size\":1,\"tif\":\"ioc\"}").json().path("orderId").asLong();
            assertThat(c.submit(t, "{\"account\":\"" + t.account() + "\",\"nonce\":3,\"type\":\"deposit\",\"amount\":1}").ok()).isTrue();
            assertThat(c.get("/v1/orders/" + taker).json().path("archived").asBoolean()).isTrue();
            trades = c.get("/v1/markets/1/trades").body().replaceAll("\"height\":\\d+,\"trades\"", "\"trades\"");
            height = c.get("/v1/state").json().path("height").asLong();
            root = c.get("/v1/state").json().path("root").asText();
            depth = depth(c);
            Path newest = Checkpoints.dir(config.data()).resolve(Checkpoints.name(height));
            for (int i = 0; i < 300 && !Files.isDirectory(newest); i++) {
                Thread.sleep(100); // the check after the last block runs on the producer after its answer
            }
            assertThat(newest).isDirectory();
            // the gauge is set once the write returns, after the directory is moved into place and older ones removed
            String metrics = c.get("/metrics").body();
            for (int i = 0; i < 300 && !metrics.contains("dexnode_checkpoint_height " + height + ".0"); i++) {
                Thread.sleep(100);
                metrics = c.get("/metrics").body();
            }
            assertThat(metrics).contains("dexnode_checkpoint_height " + height + ".0", "dexnode_checkpoint_failures_total 0.0");
        }
        List<Path> kept = Checkpoints.list(config.data());
        assertThat(kept).extracting(p -> p.getFileName().toString())
                .containsExactly(Checkpoints.name(height - 1), Checkpoints.name(height));
        try (Stream<Path> books = Files.list(kept.get(1).resolve(BookSnapshotWriter.DIRECTORY))) {
            assertThat(books.map(p -> p.getFileName().toString()).toList()).hasSize(1);
        }

        // The data directory that holds the checkpoints opens as before.
        try (Node node = Node.start(config)) {
            assertThat(new NodeClient(node.url()).get("/v1/state").json().path("root").asText()).isEqualTo(root);
        }

        // Restore: the checkpoint, copied, is a data directory of its own.
        Path restored = dir.resolve("restored");
        copyTree(kept.get(1), restored);
        try (Node node = Node.start(NodeRecoveryFixture.devConfig(dir).withData(restored))) {
            NodeClient c = new NodeClient(node.url());
            assertThat(node.recovery().method()).isEqualTo(RecoveryReport.Method.SNAPSHOT);
            assertThat(node.recovery().clean()).isTrue();
            assertThat(c.get("/v1/state").json().path("height").asLong()).isEqualTo(height);
            assertThat(c.get("/v1/state").json().path("root").asText()).isEqualTo(root);
            assertThat(depth(c)).isEqualTo(depth);
            assertThat(c.get("/v1/orders/" + taker).json().path("archived").asBoolean()).as("the archive came along").isTrue();
            assertThat(c.get("/v1/markets/1/trades").body().replaceAll("\"height\":\\d+,\"trades\"", "\"trades\"")).isEqualTo(trades);
        }
    }

    private static String depth(NodeClient c) throws Exception {
        return c.get("/v1/markets/1/depth?levels=10").body().replaceAll("\"height\":\\d+,", "");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void aCheckpointThatCannotBeWrittenIsCountedAndTheNodeKeepsServing() throws Exception {
        NodeConfig config = NodeRecoveryFixture.devConfig(dir).withConsistencyCheckBlocks(1).withCheckpoints(2);
        try (Node node = Node.start(config)) {
            // no block has been checked yet: the first checkpoint comes with the first transaction's block
            Files.writeString(Checkpoints.dir(config.data()), "a file where the checkpoints folder would be");
            NodeRecoveryFixture.placeBidAndAsk(node);
            NodeClient c = new NodeClient(node.url());
            String metrics = "";
            for (int i = 0; i < 300 && !metrics.contains("dexnode_checkpoint_failures_total 4.0"); i++) {
                Thread.sleep(100); // one failure per block's check, after the block is answered
                metrics = c.get("/metrics").body();
            }
            assertThat(metrics).contains("dexnode_checkpoint_failures_total 4.0", "dexnode_checkpoint_height 0.0");
            assertThat(c.get("/health/ready").status()).isEqualTo(200);
        }
    }
}
