package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signed transactions over the stream: answered on the same connection once their block is
 * committed, with the status and the body {@code POST /v1/tx} would give; a bad one is refused on
 * its own and the connection stays open; a connection's transactions waiting for answers are
 * bounded, and one client's backlog does not hold up another's answers.
 */
@Timeout(300)
class StreamOrdersTest {
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.dev();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String txMessage(String id, String envelope) {
        return "{\"op\":\"tx\",\"id\":\"" + id + "\",\"tx\":" + envelope + "}";
    }

    private static String place(Signer s, long nonce, String side, long price, long size) {
        return "{\"type\":\"place\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ",\"market\":1,\"side\":\""
                + side + "\",\"price\":" + price + ",\"size\":" + size + "}";
    }

    /** The next tx_result, skipping anything else the stream sends. */
    private static JsonNode nextResult(StreamClient stream) throws InterruptedException {
        while (true) {
            JsonNode m = stream.next();
            if ("tx_result".equals(m.path("op").asText())) {
                return m;
            }
        }
    }

    @Test
    void aTransactionIsAnsweredOnTheConnectionAfterItsBlockAsPostWouldAnswerIt() throws Exception {
        Signer alice = node.funded(1_000_000);
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(txMessage("order-1", alice.envelope(place(alice, 2, "buy", 10, 3))));
            JsonNode answer = nextResult(stream);
            assertThat(answer.path("id").asText()).isEqualTo("order-1");
            assertThat(answer.path("status").asInt()).isEqualTo(200);
            JsonNode result = answer.path("result");
            assertThat(result.path("type").asText()).isEqualTo("place");
            assertThat(result.path("status").asText()).isEqualTo("active");
            assertThat(result.path("remaining").asLong()).isEqualTo(3);
            // committed before the answer: its block and the order are there to read
            assertThat(node.get("/v1/state").path("height").asLong()).isGreaterThanOrEqualTo(result.path("height").asLong());
            assertThat(node.get("/v1/orders/" + result.path("orderId").asLong()).path("status").asText()).isEqualTo("active");

            // the same payload again: the refusal POST would give, on the same connection
            stream.send("{\"op\":\"tx\",\"id\":7,\"tx\":" + alice.envelope(place(alice, 2, "buy", 10, 3)) + "}");
            JsonNode replay = nextResult(stream);
            assertThat(replay.path("id").asInt()).isEqualTo(7);
            assertThat(replay.path("status").asInt()).isEqualTo(409);
            assertThat(replay.path("code").asText()).isEqualTo("stale_nonce");
            NodeClient.Response post = node.client().postTx(alice.envelope(place(alice, 2, "buy", 10, 3)));
            assertThat(post.status()).isEqualTo(409);
            assertThat(post.json().path("code").asText()).isEqualTo("stale_nonce");
        }
    }

    @Test
    void aBatchOverTheStreamIsAnsweredWithItsResults() throws Exception {
        Signer bob = node.funded(1_000_000);
        String batch = "{\"type\":\"batch\",\"account\":\"" + bob.account() + "\",\"nonce\":2,\"actions\":["
                + "{\"type\":\"place\",\"market\":1,\"side\":\"sell\",\"price\":900,\"size\":1},"
                + "{\"type\":\"cancel\",\"order\":99999999}]}";
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(txMessage("b", bob.envelope(batch)));
            JsonNode answer = nextResult(stream);
            assertThat(answer.path("status").asInt()).isEqualTo(200);
            assertThat(answer.path("result").path("type").asText()).isEqualTo("batch");
            assertThat(answer.path("result").path("results")).hasSize(2);
            assertThat(answer.path("result").path("results").get(1).path("code").asText()).isEqualTo("unknown_order");
        }
    }

    @Test
    void aBadSignatureIsRefusedOnItsOwnAndTheConnectionStaysOpen() throws Exception {
        Signer carol = node.funded(1_000_000);
        String good = carol.envelope(place(carol, 2, "buy", 11, 1));
        String forged = good.replaceFirst("\"signature\":\"(.)", "\"signature\":\"" + (good.contains("\"signature\":\"0") ? "1" : "0"));
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(txMessage("forged", forged));
            JsonNode refused = nextResult(stream);
            assertThat(refused.path("id").asText()).isEqualTo("forged");
            assertThat(refused.path("status").asInt()).isEqualTo(401);
            assertThat(refused.path("code").asText()).isEqualTo("bad_signature");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            stream.send(txMessage("good", good));
            assertThat(nextResult(stream).path("status").asInt()).isEqualTo(200);
            assertThat(stream.open()).isTrue();
        }
    }

    @Test
    void aMalformedTransactionRequestIsRefusedWithTheStatusPostWouldGive() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"tx\",\"id\":\"no-tx\"}");
            JsonNode noTx = nextResult(stream);
            assertThat(noTx.path("id").asText()).isEqualTo("no-tx");
            assertThat(noTx.path("status").asInt()).isEqualTo(400);
            assertThat(noTx.path("code").asText()).isEqualTo("malformed");
            stream.send("{\"op\":\"tx\",\"tx\":{\"payload\":\"{}\"}}");
            JsonNode noId = nextResult(stream);
            assertThat(noId.path("id").isNull()).isTrue();
            assertThat(noId.path("status").asInt()).isEqualTo(400);
            stream.send(txMessage("unsigned", "{\"payload\":\"{}\"}"));
            JsonNode unsigned = nextResult(stream);
            assertThat(unsigned.path("status").asInt()).isEqualTo(401);
            assertThat(unsigned.path("code").asText()).isEqualTo("bad_signature");
            stream.send(txMessage("dup", "{\"payload\":\"{}\"}").replace("\"id\":\"dup\"", "\"id\":\"dup\",\"id\":\"again\""));
            assertThat(nextResult(stream).path("status").asInt()).isEqualTo(400);
        }
    }

    @Test
    void pastItsBoundOfWaitingTransactionsAConnectionIsRefusedAtOnceAndAnotherIsStillAnswered() throws Exception {
        Signer dave = node.funded(1_000_000);
        Signer erin = node.funded(1_000_000);
        node.pause();
        try (StreamClient flood = new StreamClient(node.url()); StreamClient other = new StreamClient(node.url())) {
            flood.send(txMessage("f0", dave.envelope(place(dave, 2, "buy", 5, 1))));
            node.awaitProducerHeld(); // the producer holds the block with f0 and waits
            for (int i = 1; i <= StreamHub.MAX_TXS_IN_FLIGHT; i++) {
                flood.send(txMessage("f" + i, dave.envelope(place(dave, 2 + i, "buy", 5, 1))));
            }
            // the one past the bound is refused while the others wait for their block
            JsonNode refused = nextResult(flood);
            assertThat(refused.path("id").asText()).isEqualTo("f" + StreamHub.MAX_TXS_IN_FLIGHT);
            assertThat(refused.path("status").asInt()).isEqualTo(503);
            assertThat(refused.path("code").asText()).isEqualTo("overloaded");
            other.send(txMessage("e", erin.envelope(place(erin, 2, "sell", 50_000, 1))));
            node.resume();
            assertThat(nextResult(other).path("status").asInt()).isEqualTo(200);
            Map<String, Integer> statuses = new HashMap<>();
            for (int i = 0; i < StreamHub.MAX_TXS_IN_FLIGHT; i++) {
                JsonNode a = nextResult(flood);
                statuses.put(a.path("id").asText(), a.path("status").asInt());
            }
            assertThat(statuses).hasSize(StreamHub.MAX_TXS_IN_FLIGHT).allSatisfy((id, status) -> assertThat(status).isEqualTo(200));
        } finally {
            node.resume();
        }
    }

    @Test
    void aTransactionOverTheBodyLimitIsRefusedAsTooLargeAndTheConnectionStaysOpen() throws Exception {
        Signer frank = node.funded(1_000_000);
        // Over a POST body's 64 KiB, under the stream's message bound: refused as POST /v1/tx would refuse it.
        String big = frank.envelope(place(frank, 2, "buy", 12, 1).replace("\"market\"", " ".repeat(65_700) + "\"market\""));
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(txMessage("big", big));
            JsonNode refused = nextResult(stream);
            assertThat(refused.path("id").asText()).isEqualTo("big");
            assertThat(refused.path("status").asInt()).isEqualTo(413);
            assertThat(refused.path("code").asText()).isEqualTo("too_large");
            stream.send(txMessage("small", frank.envelope(place(frank, 2, "buy", 12, 1))));
            assertThat(nextResult(stream).path("status").asInt()).isEqualTo(200);
            assertThat(stream.open()).isTrue();
        }
    }
}
