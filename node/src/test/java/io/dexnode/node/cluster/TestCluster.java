package io.dexnode.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.Genesis;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.Ports;
import io.dexnode.testsupport.TemporaryDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Three (or more) replicas of one chain in this JVM on loopback, each a real {@link Node} over its
 * own data directory, with ports chosen up front (the peer list names them). Replicas can be
 * stopped, wiped and started again; the fixture closes whatever runs and deletes the directories.
 */
final class TestCluster implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    final Path dir;
    final String peers;
    final List<String> ids = new ArrayList<>();
    private final Node[] nodes;
    private final UnaryOperator<ClusterConfig> clusterTweak;

    private TestCluster(Path dir, int size, UnaryOperator<ClusterConfig> clusterTweak) throws IOException {
        this.dir = dir;
        this.clusterTweak = clusterTweak;
        this.nodes = new Node[size];
        StringBuilder spec = new StringBuilder();
        for (int i = 1; i <= size; i++) {
            ids.add("n" + i);
            spec.append(i > 1 ? "," : "").append("n").append(i).append("=127.0.0.1:").append(Ports.free()).append(':')
                    .append(Ports.free());
        }
        this.peers = spec.toString();
        ObjectNode g = (ObjectNode) MAPPER.readTree(Genesis.class.getResourceAsStream(Genesis.EMBEDDED));
        Files.writeString(genesis(), g.toString());
    }

    /** Starts {@code size} replicas; Node.start returns before an election, so they start one after another. */
    static TestCluster start(int size, UnaryOperator<ClusterConfig> clusterTweak) throws IOException {
        TestCluster c = new TestCluster(Files.createTempDirectory("dexnode-cluster-test"), size, clusterTweak);
        try {
            for (int i = 0; i < size; i++) {
                c.startReplica(i, Node.Options.defaults());
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    Path genesis() {
        return dir.resolve("genesis.json");
    }

    Path data(int i) {
        return dir.resolve(ids.get(i));
    }

    NodeConfig config(int i) {
        ClusterConfig cluster = clusterTweak.apply(ClusterConfig.of(ids.get(i), peers).withLogFsync(false));
        return NodeConfig.defaults(data(i)).withDev(true).withGenesis(genesis()).withFsync(false)
                .withConsistencyCheckBlocks(50).withCluster(cluster);
    }

    /** Starts replica {@code i} (not running) with {@code options} (its exit seam never ends the JVM). */
    Node startReplica(int i, Node.Options options) throws IOException {
        Node.Options safe = new Node.Options(options.hook(), (status, line) -> { }, options.beforeRecovery(), options.state(),
                options.engine(), options.tamper());
        nodes[i] = Node.start(config(i), safe);
        return nodes[i];
    }

    Node node(int i) {
        return nodes[i];
    }

    NodeClient client(int i) {
        return new NodeClient(nodes[i].url());
    }

    /** Stops replica {@code i} gracefully. */
    void stop(int i) {
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    /** Stops replica {@code i} and deletes its data directory (state and Raft log). */
    void wipe(int i) {
        stop(i);
        TemporaryDirectory.deleteRecursively(data(i));
    }

    /** The index of the replica that leads with its term's first entry committed, waiting up to 30 s. */
    int awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].cluster() != null && nodes[i].cluster().status().leaderReady()) {
                    return i;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no replica leads after 30 s");
    }

    /** Any running replica other than {@code not}. */
    int other(int not) {
        for (int i = 0; i < nodes.length; i++) {
            if (i != not && nodes[i] != null) {
                return i;
            }
        }
        throw new AssertionError("no other replica runs");
    }

    /** Waits until every running replica has applied at least {@code height}. */
    void awaitHeight(long height) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Node n : nodes) {
                if (n != null && n.health().height() < height) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not every replica reached height " + height + " within 60 s");
    }

    /** The highest height any running replica has applied. */
    long maxHeight() {
        long h = -1;
        for (Node n : nodes) {
            if (n != null) {
                h = Math.max(h, n.health().height());
            }
        }
        return h;
    }

    /** Submits a transaction of {@code type} as {@code signer} with {@code nonce}, through replica {@code via}. */
    NodeClient.Response tx(int via, Signer signer, long nonce, String type, Object... fields) {
        ObjectNode n = MAPPER.createObjectNode().put("type", type).put("account", signer.account()).put("nonce", nonce);
        for (int i = 0; i < fields.length; i += 2) {
            n.set((String) fields[i], MAPPER.valueToTree(fields[i + 1]));
        }
        try {
            return client(via).submit(signer, n.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode get(int i, String path) throws IOException, InterruptedException {
        return client(i).get(path).json();
    }


    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            try {
                stop(i);
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        TemporaryDirectory.deleteRecursively(dir);
    }
}
