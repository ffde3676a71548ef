package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash safety through the API: a node in a child JVM takes orders, is killed with SIGKILL, and a
 * new node on the same data directory serves the same depth and open orders (every acknowledged
 * transaction survived), then keeps trading.
 */
class RestartTest {
    private static final Pattern SERVING = Pattern.compile("serving on (http://\\S+)");
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void tempDir() throws IOException {
        dir = Files.createTempDirectory("dexnode-restart-test");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        TestNode.deleteTree(dir);
    }

    /** Starts {@code dexnode run} in a child JVM and returns its base URL once it serves. */
    private String startChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.dexnode.node.Main", "run", "--dev", "--http", "127.0.0.1:0",
                "--data", dir.resolve("data").toString(), "--genesis", dir.resolve("absent.json").toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty so the child never blocks on output
                        }
                    } catch (IOException e) {
                        // the child is gone
                    }
                }, "child-output");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("the child node exited before serving:\n" + seen);
    }

    @Test
    void sigkilledNodeRestartsWithTheSameDepthAndOpenOrders() throws Exception {
        NodeClient client = new NodeClient(startChild());
        Signer alice = Signer.generate();
        Signer bob = Signer.generate();
        long nonceA = 0;
        long nonceB = 0;
        assertThat(submit(client, alice, "deposit", ++nonceA, "\"amount\":10000000").status()).isEqualTo(200);
        assertThat(submit(client, bob, "deposit", ++nonceB, "\"amount\":10000000").status()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            assertThat(submit(client, alice, "place", ++nonceA,
                    "\"market\":1,\"side\":\"buy\",\"price\":" + (900 + i) + ",\"size\":" + (1 + i)).status()).isEqualTo(200);
            assertThat(submit(client, bob, "place", ++nonceB,
                    "\"market\":1,\"side\":\"sell\",\"price\":" + (1000 + i) + ",\"size\":" + (2 + i)).status()).isEqualTo(200);
        }
        // Partly fill two of alice's bids and cancel one of bob's asks.
        assertThat(submit(client, bob, "place", ++nonceB, "\"market\":1,\"side\":\"sell\",\"price\":908,\"size\":12")
                .json().path("fills")).hasSize(2);
        JsonNode bobOrders = client.get("/v1/accounts/" + bob.account()).json().path("openOrders");
        long bobAsk = bobOrders.get(3).path("orderId").asLong();
        assertThat(submit(client, bob, "cancel", ++nonceB, "\"order\":" + bobAsk).status()).isEqualTo(200);

        String depthBefore = client.get("/v1/markets/1/depth?levels=1000").body();
        String stateBefore = client.get("/v1/state").body();
        String aliceBefore = client.get("/v1/accounts/" + alice.account()).body();
        String bobBefore = client.get("/v1/accounts/" + bob.account()).body();

        Process first = processes.get(0);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        NodeClient again = new NodeClient(startChild());
        assertThat(again.get("/v1/markets/1/depth?levels=1000").body()).isEqualTo(depthBefore);
        assertThat(again.get("/v1/state").body()).isEqualTo(stateBefore);
        assertThat(again.get("/v1/accounts/" + alice.account()).body()).isEqualTo(aliceBefore);
        assertThat(again.get("/v1/accounts/" + bob.account()).body()).isEqualTo(bobBefore);
        assertThat(again.get("/health/ready").status()).isEqualTo(200);

        // The recovered books trade: alice's best bid is now 908 (909 filled, 908 partly) and is hit.
        NodeClient.Response hit = submit(again, bob, "place", ++nonceB, "\"market\":1,\"side\":\"sell\",\"price\":900,\"size\":1");
        assertThat(hit.json().path("fills").get(0).path("price").asLong()).isEqualTo(908);
    }

    private static NodeClient.Response submit(NodeClient client, Signer s, String type, long nonce, String fields)
            throws IOException, InterruptedException {
        return client.submit(s, "{\"type\":\"" + type + "\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ","
                + fields + "}");
    }
}
