package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batches through {@code POST /v1/tx}: one signature and one nonce for up to 50 actions, answered
 * 200 with one result per action (its answer alone, or its refusal with the status it would have
 * had); a batch malformed, replayed or signed for another account is refused whole.
 */
@Timeout(300)
class BatchApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.dev();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static ObjectNode batch(Signer s, long nonce, String... actions) throws Exception {
        ObjectNode b = MAPPER.createObjectNode().put("type", "batch").put("account", s.account()).put("nonce", nonce);
        ArrayNode a = b.putArray("actions");
        for (String action : actions) {
            a.add(MAPPER.readTree(action));
        }
        return b;
    }

    private static long lastNonce(Signer s) {
        return node.nextNonce(s.account()) - 1;
    }

    @Test
    void aBatchIsAnsweredWithOneResultPerActionInOrder() throws Exception {
        Signer alice = node.funded(1_000_000);
        long nonce = node.nextNonce(alice.account());
        NodeClient.Response r = node.submit(alice, batch(alice, nonce,
                "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":90,\"size\":5,\"clientOrderId\":\"a\"}",
                "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":0,\"size\":5}",
                "{\"type\":\"cancel\",\"order\":999999}",
                "{\"type\":\"reduce\",\"clientOrderId\":\"a\",\"size\":2}",
                "{\"type\":\"cancel_all\",\"market\":1}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("type").asText()).isEqualTo("batch");
        long height = j.path("height").asLong();
        assertThat(height).isPositive();
        List<JsonNode> results = new ArrayList<>();
        j.get("results").forEach(results::add);
        assertThat(results).hasSize(5);
        assertThat(results.get(0).path("type").asText()).isEqualTo("place");
        assertThat(results.get(0).path("status").asText()).isEqualTo("active");
        assertThat(results.get(0).path("height").asLong()).isEqualTo(height);
        long orderId = results.get(0).path("orderId").asLong();
        assertThat(results.get(1).path("code").asText()).isEqualTo("bad_price");
        assertThat(results.get(1).path("status").asInt()).isEqualTo(422);
        assertThat(results.get(2).path("code").asText()).isEqualTo("unknown_order");
        assertThat(results.get(2).path("status").asInt()).isEqualTo(404);
        assertThat(results.get(3).path("orderId").asLong()).isEqualTo(orderId);
        assertThat(results.get(3).path("remaining").asLong()).isEqualTo(2);
        assertThat(results.get(4).path("cancelled").asLong()).isEqualTo(1);
        assertThat(lastNonce(alice)).as("one nonce for the batch").isEqualTo(nonce);
        assertThat(node.get("/v1/orders/" + orderId).path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aReplayedBatchIsRefusedWholeAndRunsNothing() throws Exception {
        Signer bob = node.funded(1_000_000);
        long nonce = node.nextNonce(bob.account());
        String first = batch(bob, nonce, "{\"type\":\"place\",\"market\":1,\"side\":\"sell\",\"price\":500,\"size\":1,"
                + "\"clientOrderId\":\"x\"}").toString();
        assertThat(node.submit(bob, first).status()).isEqualTo(200);
        String replay = batch(bob, nonce, "{\"type\":\"cancel\",\"clientOrderId\":\"x\"}").toString();
        NodeClient.Response r = node.submit(bob, replay);
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().path("code").asText()).isEqualTo("stale_nonce");
        assertThat(node.get("/v1/accounts/" + bob.account()).path("openOrders")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"cancel_all\",\"nonce\":99}",
            "{\"type\":\"cancel_all\",\"account\":\"someone\"}",
            "{\"type\":\"deposit\",\"amount\":5}",
            "{\"type\":\"batch\",\"actions\":[{\"type\":\"cancel_all\"}]}",
            "{\"type\":\"teleport\"}",
    })
    void aBatchWithABadActionIsMalformedAndChangesNothing(String bad) throws Exception {
        Signer carol = node.funded(1_000_000);
        long before = lastNonce(carol);
        NodeClient.Response r = node.submit(carol, batch(carol, before + 1,
                "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":80,\"size\":1}", bad).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("code").asText()).isEqualTo("malformed");
        assertThat(lastNonce(carol)).isEqualTo(before);
        assertThat(node.get("/v1/accounts/" + carol.account()).path("openOrders")).isEmpty();
    }

    @Test
    void aBatchOfFiftyOneActionsIsMalformed() throws Exception {
        Signer dave = node.funded(1_000_000);
        String[] actions = new String[51];
        Arrays.fill(actions, "{\"type\":\"cancel_all\"}");
        NodeClient.Response r = node.submit(dave, batch(dave, node.nextNonce(dave.account()), actions).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).contains("1 to 50 actions");
        String[] fifty = Arrays.copyOf(actions, 50);
        assertThat(node.submit(dave, batch(dave, node.nextNonce(dave.account()), fifty).toString()).status()).isEqualTo(200);
    }

    @Test
    void aBatchForAnotherAccountIsNotAllowed() throws Exception {
        Signer erin = node.funded(1_000_000);
        Signer mallory = Signer.generate();
        NodeClient.Response r = node.submit(mallory, batch(erin, node.nextNonce(erin.account()),
                "{\"type\":\"cancel_all\"}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().path("code").asText()).isEqualTo("not_allowed");
    }

    @Test
    void aBatchIsStoredInItsBlockAsOneTransaction() throws Exception {
        Signer frank = node.funded(1_000_000);
        NodeClient.Response r = node.submit(frank, batch(frank, node.nextNonce(frank.account()),
                "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":70,\"size\":1}", "{\"type\":\"cancel_all\"}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode block = node.get("/v1/blocks/" + r.json().path("height").asLong());
        JsonNode stored = null;
        for (JsonNode tx : block.get("txs")) {
            if (tx.path("type").asText().equals("batch") && tx.path("account").asText().equals(frank.account())) {
                stored = tx;
            }
        }
        assertThat(stored).as(block.toString()).isNotNull();
        assertThat(stored.get("actions")).hasSize(2);
        assertThat(stored.get("actions").get(0).has("account")).isFalse();
    }

    @Test
    void aBatchOverTheBodyLimitIsRefusedWholeAsAnyTooLargeBodyIs() throws Exception {
        Signer gina = node.funded(1_000_000);
        long before = lastNonce(gina);
        // Valid JSON, a valid signature, well within 50 actions: only its size is wrong.
        String padded = batch(gina, before + 1, "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":60,\"size\":1}")
                .toString().replace("\"actions\":[", "\"actions\":[" + " ".repeat(70_000));
        NodeClient.Response r = node.submit(gina, padded);
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.json().path("code").asText()).isEqualTo("too_large");
        assertThat(lastNonce(gina)).isEqualTo(before);
        assertThat(node.get("/v1/accounts/" + gina.account()).path("openOrders")).isEmpty();
    }
}
