package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.cli.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety through the API: a node in a child JVM takes orders, is killed with SIGKILL, and a
 * new node on the same data directory serves the same depth and open orders (every acknowledged
 * transaction survived), then keeps trading.
 */
@Timeout(300)
class RestartTest {
    private static final Pattern SERVING = Pattern.compile("serving on (http://\\S+)");
    private static final Duration START_WAIT = Duration.ofSeconds(120);
    private final List<ChildJvm> children = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopChildren() {
        for (ChildJvm child : children) {
            child.close();
        }
    }

    /** Starts {@code dexnode run} in a child JVM and returns its base URL once it serves. */
    private String startChild() throws IOException, InterruptedException {
        ChildJvm child = ChildJvm.start(Main.class, List.of(), "run", "--dev", "--http", "127.0.0.1:0",
                "--data", dir.resolve("data").toString(), "--genesis", dir.resolve("absent.json").toString());
        children.add(child);
        String serving = child.awaitLine(l -> SERVING.matcher(l).find(), START_WAIT);
        return SERVING.matcher(serving).results().findFirst().orElseThrow().group(1);
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

        children.get(0).kill();

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
