package io.dexnode.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.node.producer.ProducerHook;
import io.dexnode.testsupport.TemporaryDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A real node on an ephemeral port over a temp data directory, for end-to-end tests, with a
 * producer gate (closed = the producer waits before each block) and signing helpers.
 */
public final class TestNode implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    final Path dir;
    final Node node;
    final NodeClient client;
    /** Permits = blocks the producer may still cut while {@link #paused}. */
    private final Semaphore gate = new Semaphore(0);
    /** Released each time the producer starts waiting at the closed gate. */
    private final Semaphore waiting = new Semaphore(0);
    private volatile boolean paused;

    private TestNode(Path dir, NodeConfig config) throws IOException {
        this.dir = dir;
        ProducerHook hook = height -> {
            if (paused) {
                waiting.release();
                gate.tryAcquire(60, TimeUnit.SECONDS); // bounded: a test that never resumes cannot hold the producer forever
            }
        };
        this.node = Node.start(config, new Node.Options(hook, (status, line) -> { }));
        this.client = new NodeClient(node.url());
    }

    /** A --dev node (faucet) with the sample genesis. */
    public static TestNode dev() throws IOException {
        return start(true, null, 10_000);
    }

    /** A node with {@code admin} as the genesis admin key (null = none), {@code dev} faucet on or off, queue capacity. */
    public static TestNode start(boolean dev, Signer admin, int queue) throws IOException {
        return start(dev, admin, queue, UnaryOperator.identity());
    }

    /** A --dev node with the sample genesis, its configuration changed by {@code config} (e.g. a limit under test). */
    public static TestNode dev(UnaryOperator<NodeConfig> config) throws IOException {
        return start(true, null, 10_000, config);
    }

    /** A --dev node whose genesis is the sample changed by {@code genesis} (fields set on its JSON object). */
    public static TestNode devWithGenesis(Consumer<ObjectNode> genesis) throws IOException {
        return start(true, null, 10_000, UnaryOperator.identity(), genesis);
    }

    /** A --dev node whose configuration and genesis are the sample's changed by {@code config} and {@code genesis}. */
    public static TestNode dev(UnaryOperator<NodeConfig> config, Consumer<ObjectNode> genesis) throws IOException {
        return start(true, null, 10_000, config, genesis);
    }

    private static TestNode start(boolean dev, Signer admin, int queue, UnaryOperator<NodeConfig> tweak) throws IOException {
        return start(dev, admin, queue, tweak, g -> { });
    }

    private static TestNode start(boolean dev, Signer admin, int queue, UnaryOperator<NodeConfig> tweak,
                                  Consumer<ObjectNode> genesisTweak) throws IOException {
        Path dir = Files.createTempDirectory("dexnode-node-test");
        Path genesis = dir.resolve("genesis.json");
        ObjectNode g = (ObjectNode) MAPPER.readTree(Genesis.class.getResourceAsStream(Genesis.EMBEDDED));
        if (admin != null) {
            g.put("admin", admin.account());
        }
        genesisTweak.accept(g);
        Files.writeString(genesis, g.toString());
        NodeConfig config = NodeConfig.defaults(dir.resolve("data")).withPort(0).withDev(dev).withGenesis(genesis)
                .withQueue(queue).withFsync(false).withConsistencyCheckBlocks(1);
        config = tweak.apply(config);
        try {
            return new TestNode(dir, config);
        } catch (IOException | RuntimeException e) {
            TemporaryDirectory.deleteRecursively(dir);
            throw e;
        }
    }

    /** Holds the producer before its next block. */
    public void pause() {
        paused = true;
    }

    /** Blocks until the producer is held at the gate with a block in hand (a minute at most, then fails). */
    public void awaitProducerHeld() throws InterruptedException {
        if (!waiting.tryAcquire(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the producer did not reach the gate within a minute");
        }
    }

    /** Lets the producer run freely again. */
    public void resume() {
        paused = false;
        gate.release(1_000_000);
    }

    public NodeClient client() {
        return client;
    }

    public String url() {
        return node.url();
    }

    /** Signs and submits {@code payload} as given (the caller sets account and nonce). */
    public NodeClient.Response submit(Signer signer, String payload) {
        try {
            return client.submit(signer, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits a transaction of {@code type} with the signer's account and its next nonce. */
    public NodeClient.Response tx(Signer signer, String type, Object... fields) {
        ObjectNode n = MAPPER.createObjectNode().put("type", type).put("account", signer.account())
                .put("nonce", nextNonce(signer.account()));
        for (int i = 0; i < fields.length; i += 2) {
            n.set((String) fields[i], MAPPER.valueToTree(fields[i + 1]));
        }
        return submit(signer, n.toString());
    }

    public long nextNonce(String account) {
        try {
            return client.lastNonce(account) + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new funded account (requires --dev). */
    public Signer funded(long amount) {
        Signer s = Signer.generate();
        NodeClient.Response r = tx(s, "deposit", "amount", amount);
        if (!r.ok()) {
            throw new IllegalStateException("deposit failed: " + r.body());
        }
        return s;
    }

    public NodeClient.Response place(Signer s, String side, long price, long size) {
        return tx(s, "place", "market", 1, "side", side, "price", price, "size", size);
    }

    public JsonNode get(String path) {
        try {
            return client.get(path).json();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public NodeClient.Response getResponse(String path) {
        try {
            return client.get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        resume();
        try {
            node.close();
        } finally {
            TemporaryDirectory.deleteRecursively(dir);
        }
    }

}
