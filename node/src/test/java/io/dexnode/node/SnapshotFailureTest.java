package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.cluster.ClusterConfig;
import io.dexnode.node.cluster.ReplicaChain;
import io.dexnode.node.crypto.Signer;
import io.dexnode.node.producer.ProducerHook;
import io.dexnode.testsupport.Ports;
import io.dexnode.testsupport.TemporaryDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica whose Raft snapshot cannot be written (a full disk) stops loudly: Ratis closes its
 * server on the failure without telling the node, which once went on reporting itself ready while
 * it applied nothing. Now the replica is stopped, with the snapshot's failure as the reason, and
 * not ready.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotFailureTest {
    @Test
    void aReplicaWhoseSnapshotCannotBeWrittenStopsAndIsNotReady() throws Exception {
        Path dir = Files.createTempDirectory("dexnode-snapshot-failure");
        Node node = null;
        try {
            ClusterConfig cluster = ClusterConfig.of("n1", "n1=127.0.0.1:" + Ports.free() + ":" + Ports.free())
                    .withLogFsync(false).withSnapshotEvery(4);
            Path genesis = dir.resolve("genesis.json");
            try (var embedded = Genesis.class.getResourceAsStream(Genesis.EMBEDDED)) {
                Files.write(genesis, embedded.readAllBytes());
            }
            NodeConfig cfg = NodeConfig.defaults(dir.resolve("n1")).withDev(true).withGenesis(genesis).withFsync(false)
                    .withCluster(cluster);
            TouchRecordingStore[] store = new TouchRecordingStore[1];
            Node.Options opts = new Node.Options(ProducerHook.NONE, (status, line) -> { }, port -> { })
                    .withState(s -> store[0] = new TouchRecordingStore(s)).withTamper(ReplicaChain.Tamper.NONE);
            node = Node.start(cfg, opts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!node.cluster().status().leaderReady() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(node.cluster().status().leaderReady()).as("the one replica leads").isTrue();
            store[0].failSnapshotWrites = true;

            NodeClient client = new NodeClient(node.url());
            Signer trader = Signer.generate();
            ObjectMapper json = new ObjectMapper();
            for (long n = 1; n <= 12 && !node.health().isReplicaStopped(); n++) {
                client.submit(trader, json.createObjectNode().put("type", "deposit").put("account", trader.account())
                        .put("nonce", n).put("amount", 10).toString());
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!node.health().isReplicaStopped() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(node.health().isReplicaStopped()).as("the replica stopped").isTrue();
            assertThat(node.health().ready()).isFalse();
            assertThat(node.health().reason()).contains("writing the snapshot").contains("No space left on device");
        } finally {
            if (node != null) {
                node.close();
            }
            TemporaryDirectory.deleteRecursively(dir);
        }
    }
}
