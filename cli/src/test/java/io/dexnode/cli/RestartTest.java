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
        return startChild(dir.resolve("absent.json"));
    }

    private String startChild(Path genesis) throws IOException, InterruptedException {
        ChildJvm child = ChildJvm.start(Main.class, List.of(), "run", "--dev", "--http", "127.0.0.1:0",
                "--data", dir.resolve("data").toString(), "--genesis", genesis.toString());
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

    /**
     * Trades, fills and order history last: on a chain that archives finished orders three blocks
     * later, every page of the market's trades, of each account's fills and of its orders (live
     * and archived) is the same, byte for byte, after a SIGKILL and a restart.
     */
    @Test
    void sigkilledNodeServesTheSameTradesFillsAndOrderPages() throws Exception {
        Path genesis = dir.resolve("genesis.json");
        java.nio.file.Files.writeString(genesis, "{\"chainId\":\"restart\",\"archiveAfterBlocks\":3,\"markets\":[{\"market\":1,"
                + "\"symbol\":\"BTC-USD\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":2,\"takerFeeBps\":5,"
                + "\"initialMarginBps\":1000,\"maintenanceMarginBps\":500}]}");
        NodeClient client = new NodeClient(startChild(genesis));
        Signer alice = Signer.generate();
        Signer bob = Signer.generate();
        long nonceA = 0;
        long nonceB = 0;
        assertThat(submit(client, alice, "deposit", ++nonceA, "\"amount\":10000000").status()).isEqualTo(200);
        assertThat(submit(client, bob, "deposit", ++nonceB, "\"amount\":10000000").status()).isEqualTo(200);
        for (int i = 0; i < 12; i++) {
            assertThat(submit(client, alice, "place", ++nonceA,
                    "\"market\":1,\"side\":\"buy\",\"price\":" + (900 + i) + ",\"size\":2").status()).isEqualTo(200);
            assertThat(submit(client, bob, "place", ++nonceB,
                    "\"market\":1,\"side\":\"sell\",\"price\":" + (900 + i) + ",\"size\":" + (1 + i % 3)).status()).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) { // more blocks, so that the first finished orders are archived
            assertThat(submit(client, alice, "deposit", ++nonceA, "\"amount\":1").status()).isEqualTo(200);
        }
        List<String> pages = new ArrayList<>();
        List<String> paths = List.of("/v1/markets/1/trades?limit=5", "/v1/accounts/" + alice.account() + "/fills?limit=4",
                "/v1/accounts/" + bob.account() + "/fills?limit=4", "/v1/accounts/" + alice.account() + "/orders?limit=5",
                "/v1/accounts/" + bob.account() + "/orders?status=filled&limit=3");
        for (String path : paths) {
            pages.addAll(allPages(client, path));
        }
        assertThat(String.join("\n", pages)).contains("\"archived\":true").contains("\"tradeId\":12");

        children.get(0).kill();

        NodeClient again = new NodeClient(startChild(genesis));
        List<String> after = new ArrayList<>();
        for (String path : paths) {
            after.addAll(allPages(again, path));
        }
        assertThat(after).isEqualTo(pages);
    }

    /** Every page of a paged list, following {@code next}, as the bodies served. */
    private static List<String> allPages(NodeClient client, String path) throws IOException, InterruptedException {
        List<String> bodies = new ArrayList<>();
        String next = null;
        do {
            NodeClient.Response r = client.get(path + (next == null ? "" : "&before=" + next));
            assertThat(r.status()).as(path).isEqualTo(200);
            bodies.add(r.body());
            next = r.json().path("next").isNull() ? null : r.json().path("next").asText();
        } while (next != null && bodies.size() < 100);
        return bodies;
    }

    private static NodeClient.Response submit(NodeClient client, Signer s, String type, long nonce, String fields)
            throws IOException, InterruptedException {
        return client.submit(s, "{\"type\":\"" + type + "\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ","
                + fields + "}");
    }
}
