package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.TemporaryDirectory;
import io.dexnode.testsupport.Waits;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful shutdown: refuse new work, finish what was queued, and keep it on disk. */
@Timeout(300)
class NodeLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void closeFinishesQueuedTransactionsRefusesNewOnesAndKeepsThem() throws Exception {
        Path dir = Files.createTempDirectory("dexnode-lifecycle-test");
        try {
            Semaphore held = new Semaphore(0);
            Semaphore gate = new Semaphore(0);
            AtomicBoolean pause = new AtomicBoolean();
            NodeConfig config = NodeConfig.defaults(dir.resolve("data")).withPort(0).withDev(true)
                    .withGenesis(dir.resolve("absent.json")).withFsync(false);
            Node node = Node.start(config, new Node.Options(h -> {
                if (pause.get()) {
                    held.release();
                    gate.tryAcquire(60, TimeUnit.SECONDS); // bounded: a failed test never leaves the producer held
                }
            }, (status, line) -> { }));
            TestNodeClient c = new TestNodeClient(node.url());
            List<Signer> accounts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Signer s = Signer.generate();
                assertThat(c.submit(s, deposit(s, 1, 100)).status()).isEqualTo(200);
                accounts.add(s);
            }
            pause.set(true);
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            inFlight.add(http.sendAsync(c.txRequest(accounts.get(0).envelope(deposit(accounts.get(0), 2, 5))),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(held.tryAcquire(60, TimeUnit.SECONDS)).as("the producer held its block").isTrue();
            for (int i = 1; i < 3; i++) {
                inFlight.add(http.sendAsync(c.txRequest(accounts.get(i).envelope(deposit(accounts.get(i), 2, 5))),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Waits.until(WAIT, "two transactions queued", () -> c.get("/metrics").body().contains("dexnode_queue_depth 2.0"));
            Thread closer = new Thread(node::close, "closer");
            closer.start();
            Waits.until(WAIT, "not ready while closing", () -> c.get("/health/ready").status() == 503);
            NodeClient.Response refused = c.submit(accounts.get(0), deposit(accounts.get(0), 3, 5));
            assertThat(refused.status()).isEqualTo(503);
            pause.set(false);
            gate.release(100);
            assertThat(closer.join(WAIT)).as("close finished").isTrue();
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> answer = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }

            try (Node again = Node.start(config.withPort(0), new Node.Options(h -> { }, (status, line) -> { }))) {
                TestNodeClient c2 = new TestNodeClient(again.url());
                for (Signer s : accounts) {
                    assertThat(c2.get("/v1/accounts/" + s.account()).json().path("collateral").asLong()).isEqualTo(105);
                }
            }
        } finally {
            TemporaryDirectory.deleteRecursively(dir);
        }
    }

    private static String deposit(Signer s, long nonce, long amount) {
        return "{\"type\":\"deposit\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ",\"amount\":" + amount + "}";
    }

    /** The node client with checked exceptions kept (tests declare them). */
    private static final class TestNodeClient {
        private final NodeClient client;

        TestNodeClient(String url) {
            client = new NodeClient(url);
        }

        NodeClient.Response submit(Signer s, String payload) throws Exception {
            return client.submit(s, payload);
        }

        NodeClient.Response get(String path) throws Exception {
            return client.get(path);
        }

        java.net.http.HttpRequest txRequest(String body) {
            return client.txRequest(body);
        }
    }
}
