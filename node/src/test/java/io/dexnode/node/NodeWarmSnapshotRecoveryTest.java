package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.node.client.NodeClient;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import io.dexnode.testsupport.TemporaryDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The warm snapshot a clean shutdown leaves behind must not stop the next start from finding and
 * repairing state that became inconsistent after it: the books then agree with state, the repair
 * is counted and the node is ready; the start after that uses a snapshot again and repairs nothing.
 */
@Timeout(300)
class NodeWarmSnapshotRecoveryTest {
    private Path dir;
    private NodeConfig config;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("dexnode-node-warm-snapshot");
        config = NodeRecoveryFixture.devConfig(dir);
    }

    @AfterEach
    void tearDown() {
        TemporaryDirectory.deleteRecursively(dir);
    }

    /** Places a bid at 99 and an ask at 101, then shuts down cleanly (writing the warm snapshot); returns the ask's id. */
    private long placeTwoOrdersAndStop() throws Exception {
        try (Node node = Node.start(config)) {
            return NodeRecoveryFixture.placeBidAndAsk(node);
        }
    }

    private void corrupt(BiConsumer<StateManager, WriteSet> change) throws java.io.IOException {
        try (StateManager store = StateManager.open(config.data(), StateConfig.defaults().withFsync(false))) {
            WriteSet ws = new WriteSet();
            change.accept(store, ws);
            store.commit(store.latestVersion() + 1, ws, null);
        }
        try (var files = Files.list(NodeStartup.snapshotDir(config.data()))) {
            assertThat(files.filter(p -> p.toString().endsWith(".snap")).count()).as("the warm snapshot is still there").isEqualTo(1);
        }
    }

    private static String depth(Node node) throws Exception {
        return new NodeClient(node.url()).get("/v1/markets/1/depth?levels=10").body().replaceAll("\"height\":\\d+,", "");
    }

    private void startRepairsThenNextStartIsClean(Inconsistency kind, String expectedAsks) throws Exception {
        String repairedDepth;
        try (Node node = Node.start(config)) {
            NodeClient c = new NodeClient(node.url());
            assertThat(node.recovery().inconsistencies()).as("recovered via %s", node.recovery().method()).containsKey(kind);
            assertThat(c.get("/metrics").body()).contains("dexnode_recovery_repairs_total{kind=\"" + kind.metricName() + "\"} 1.0");
            assertThat(c.get("/health/ready").status()).isEqualTo(200);
            repairedDepth = depth(node);
            assertThat(repairedDepth).contains(expectedAsks);
        }
        try (Node node = Node.start(config)) {
            assertThat(node.recovery().clean()).isTrue();
            assertThat(node.recovery().method()).isEqualTo(RecoveryReport.Method.SNAPSHOT);
            assertThat(depth(node)).isEqualTo(repairedDepth);
            assertThat(new NodeClient(node.url()).get("/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void indexEntryLostAfterACleanShutdownIsRepairedDespiteTheWarmSnapshot() throws Exception {
        long ask = placeTwoOrdersAndStop();
        corrupt((s, ws) -> ws.delete(new StateKey.ActiveOrder(1, ask).encode()));
        startRepairsThenNextStartIsClean(Inconsistency.ORPHANED_ACTIVE_ORDER, "\"asks\":[[101,3]]");
    }

    @Test
    void orderCancelledBehindTheIndexAfterACleanShutdownLeavesTheBookDespiteTheWarmSnapshot() throws Exception {
        long ask = placeTwoOrdersAndStop();
        corrupt((s, ws) -> ws.put(new StateKey.Order(ask).encode(),
                OrderRecord.decode(s.get(new StateKey.Order(ask).encode())).withStatus(OrderStatus.CANCELLED, 1).encode()));
        startRepairsThenNextStartIsClean(Inconsistency.CANCELLED_ORDER, "\"asks\":[]");
    }
}
