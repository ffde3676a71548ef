package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.node.client.NodeClient;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import io.dexnode.testsupport.TemporaryDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Recovery as the node runs it: the warm snapshot of a clean shutdown, repairs and their metrics, --strict. */
@Timeout(300)
class NodeRecoveryTest {
    private Path dir;
    private NodeConfig config;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("dexnode-node-recovery");
        config = NodeRecoveryFixture.devConfig(dir);
    }

    @AfterEach
    void tearDown() {
        TemporaryDirectory.deleteRecursively(dir);
    }

    private static String depth(Node node) throws Exception {
        String body = new NodeClient(node.url()).get("/v1/markets/1/depth?levels=10").body();
        return body.replaceAll("\"height\":\\d+,", "");
    }

    @Test
    void cleanShutdownWritesAWarmSnapshotThatTheNextStartUses() throws Exception {
        String before;
        try (Node node = Node.start(config)) {
            NodeRecoveryFixture.placeBidAndAsk(node);
            before = depth(node);
        }
        try (var files = Files.list(NodeStartup.snapshotDir(config.data()))) {
            assertThat(files.filter(p -> p.toString().endsWith(".snap")).count()).isEqualTo(1);
        }
        try (Node node = Node.start(config)) {
            assertThat(node.recovery().method()).isEqualTo(RecoveryReport.Method.SNAPSHOT);
            assertThat(depth(node)).isEqualTo(before);
            String metrics = new NodeClient(node.url()).get("/metrics").body();
            assertThat(metrics).contains("dexnode_orderbook_recovery_seconds_count{method=\"snapshot\"} 1");
        }
    }

    @Test
    void inconsistentStateIsRepairedAtStartAndCountedInMetricsOrRefusedWhenStrict() throws Exception {
        long ask;
        try (Node node = Node.start(config)) {
            ask = NodeRecoveryFixture.placeBidAndAsk(node);
        }
        TemporaryDirectory.deleteRecursively(NodeStartup.snapshotDir(config.data()));
        try (StateManager store = StateManager.open(config.data(), StateConfig.defaults().withFsync(false))) {
            WriteSet ws = new WriteSet();
            ws.delete(new StateKey.ActiveOrder(1, ask).encode());
            store.commit(store.latestVersion() + 1, ws, null);
        }
        NodeConfig strict = config.withStrict(true);
        assertThatThrownBy(() -> Node.start(strict)).hasMessageContaining("orphaned_active_order");
        try (Node node = Node.start(config)) {
            assertThat(node.recovery().inconsistencies()).containsKey(RecoveryReport.Inconsistency.ORPHANED_ACTIVE_ORDER);
            String metrics = new NodeClient(node.url()).get("/metrics").body();
            assertThat(metrics).contains("dexnode_recovery_repairs_total{kind=\"orphaned_active_order\"} 1.0");
            assertThat(new NodeClient(node.url()).get("/health/ready").status()).isEqualTo(200);
            assertThat(depth(node)).contains("\"asks\":[[101,3]]");
        }
    }

    @Test
    void keepVersionsPrunesOldHeightsAndTheNodeStillRestartsWithItsBooks() throws Exception {
        NodeConfig pruned = config.withKeepVersions(2);
        String before;
        try (Node node = Node.start(pruned)) {
            NodeRecoveryFixture.placeBidAndAsk(node);
            before = depth(node);
        }
        try (StateManager store = StateManager.open(config.data(),
                StateConfig.defaults().withFsync(false).withPruning(pruned.pruning()))) {
            store.awaitPruning();
            long latest = store.latestVersion();
            assertThat(latest).isGreaterThanOrEqualTo(5);
            assertThat(store.oldestRetainedVersion()).isEqualTo(latest - 1);
            assertThatThrownBy(() -> store.rootAt(latest - 3)).hasMessageContaining("pruned");
        }
        try (Node node = Node.start(pruned)) {
            assertThat(depth(node)).isEqualTo(before);
        }
    }
}
