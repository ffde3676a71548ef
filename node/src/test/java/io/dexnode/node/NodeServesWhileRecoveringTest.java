package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.node.producer.ProducerHook;
import io.dexnode.testsupport.TemporaryDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * While the books are recovered the node already answers: live, not ready (reason "recovering"),
 * metrics served, every other route 503 with a typed error; once recovered it serves everything.
 */
@Timeout(300)
class NodeServesWhileRecoveringTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("dexnode-node-recovering");
    }

    @AfterEach
    void tearDown() {
        TemporaryDirectory.deleteRecursively(dir);
    }

    @Test
    void healthAndMetricsAnswerDuringRecoveryAndTheRestSaysRecovering() throws Exception {
        // The node binds an ephemeral port itself and names it: a port probed free and then
        // reused could be taken by another process in between.
        NodeConfig config = NodeRecoveryFixture.devConfig(dir);
        AtomicInteger port = new AtomicInteger();
        CountDownLatch recovering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Node.Options options = new Node.Options(ProducerHook.NONE, (status, line) -> { }, boundPort -> {
            port.set(boundPort);
            recovering.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // bounded: a failed test never leaves the node starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // On a thread of its own: held in recovery, it would take the common pool's only worker on a
        // two-core machine, which the JDK's WebSocket client needs to finish a handshake.
        CompletableFuture<Node> started = CompletableFuture.supplyAsync(() -> {
            try {
                return Node.start(config, options);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, task -> new Thread(task, "node-start").start());
        try {
            assertThat(recovering.await(30, TimeUnit.SECONDS)).as("recovery reached").isTrue();
            NodeClient c = new NodeClient("http://127.0.0.1:" + port.get());
            assertThat(c.get("/health/live").status()).isEqualTo(200);
            NodeClient.Response ready = c.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("reason").asText()).isEqualTo("recovering");
            assertThat(c.get("/health").status()).isEqualTo(503);
            assertThat(c.get("/metrics").status()).isEqualTo(200);
            assertThat(c.get("/").status()).as("the trading page, which then waits for the API").isEqualTo(200);
            NodeClient.Response markets = c.get("/v1/markets");
            assertThat(markets.status()).isEqualTo(503);
            assertThat(markets.json().path("code").asText()).isEqualTo("overloaded");
            assertThat(markets.json().path("message").asText()).contains("recovering");
            Signer s = Signer.generate();
            NodeClient.Response tx = c.submit(s, "{\"account\":\"" + s.account() + "\",\"nonce\":1,\"type\":\"deposit\",\"amount\":5}");
            assertThat(tx.status()).isEqualTo(503);
            // The stream's upgrade too: 503 with the API's error shape (Javalin wrote no body for a refused upgrade).
            HttpResponse<?> upgrade = refusedUpgrade("ws://127.0.0.1:" + port + "/v1/stream");
            assertThat(upgrade.statusCode()).isEqualTo(503);
            JsonNode error = TestNode.MAPPER.readTree(String.valueOf(upgrade.body()));
            assertThat(error.path("code").asText()).as(String.valueOf(upgrade.body())).isEqualTo("overloaded");
            assertThat(error.path("message").asText()).contains("recovering");
        } finally {
            release.countDown();
        }
        try (Node node = started.get(60, TimeUnit.SECONDS)) {
            NodeClient c = new NodeClient(node.url());
            assertThat(c.get("/health/ready").status()).isEqualTo(200);
            assertThat(c.get("/v1/markets").status()).isEqualTo(200);
            assertThat(NodeRecoveryFixture.placeBidAndAsk(node)).isPositive();
        }
    }

    /** The answer to a WebSocket upgrade the node refuses; fails the test if it connects instead. */
    private static HttpResponse<?> refusedUpgrade(String wsUrl) throws Exception {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(wsUrl), new WebSocket.Listener() { })
                    .get(30, TimeUnit.SECONDS).abort();
            throw new AssertionError("the node accepted the connection while recovering");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw e;
        }
    }
}
