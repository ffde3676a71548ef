package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.ProofSpec;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end through HTTP against one real node (--dev, with an admin key so that each test gets
 * its own market and cannot disturb another's book).
 */
@Timeout(300)
class NodeApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final AtomicInteger NEXT_MARKET = new AtomicInteger(100);
    private static Signer admin;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        admin = Signer.generate();
        node = TestNode.start(true, admin, 10_000);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A fresh market (tick 1, lot 1, min 1, 10% initial margin) created by the admin key. */
    private static int newMarket() {
        int id = NEXT_MARKET.getAndIncrement();
        NodeClient.Response r = node.tx(admin, "create_market", "market", id, "symbol", "T" + id, "tickSize", 1,
                "lotSize", 1, "minSize", 1, "makerFeeBps", 2, "takerFeeBps", 5, "initialMarginBps", 1000,
                "maintenanceMarginBps", 500);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return id;
    }

    private static NodeClient.Response place(Signer s, int market, String side, long price, long size) {
        return node.tx(s, "place", "market", market, "side", side, "price", price, "size", size);
    }

    @Test
    void placeMatchAndCancelAnswerWithCommittedResults() {
        int m = newMarket();
        Signer alice = node.funded(1_000_000);
        Signer bob = node.funded(1_000_000);

        NodeClient.Response buy = place(alice, m, "buy", 100, 5);
        assertThat(buy.status()).as(buy.body()).isEqualTo(200);
        assertThat(buy.json().path("status").asText()).isEqualTo("active");
        assertThat(buy.json().path("remaining").asLong()).isEqualTo(5);
        long buyId = buy.json().path("orderId").asLong();

        NodeClient.Response sell = place(bob, m, "sell", 100, 3);
        assertThat(sell.status()).isEqualTo(200);
        assertThat(sell.json().path("status").asText()).isEqualTo("filled");
        JsonNode fill = sell.json().path("fills").get(0);
        assertThat(fill.path("price").asLong()).isEqualTo(100);
        assertThat(fill.path("size").asLong()).isEqualTo(3);
        assertThat(fill.path("makerOrderId").asLong()).isEqualTo(buyId);
        assertThat(sell.json().path("height").asLong()).isGreaterThan(buy.json().path("height").asLong());

        JsonNode depth = node.get("/v1/markets/" + m + "/depth");
        assertThat(depth.path("height").asLong()).isGreaterThanOrEqualTo(sell.json().path("height").asLong());
        assertThat(depth.path("bids").toString()).isEqualTo("[[100,2]]");
        assertThat(depth.path("asks").toString()).isEqualTo("[]");

        JsonNode trades = node.get("/v1/markets/" + m + "/trades");
        assertThat(trades.path("trades")).hasSize(1);
        assertThat(trades.path("trades").get(0).path("height").asLong()).isEqualTo(sell.json().path("height").asLong());

        NodeClient.Response cancel = node.tx(alice, "cancel", "order", buyId);
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().path("status").asText()).isEqualTo("cancelled");
        assertThat(cancel.json().path("remaining").asLong()).isEqualTo(2);
        assertThat(node.get("/v1/markets/" + m + "/depth").path("bids").toString()).isEqualTo("[]");
    }

    @Test
    void depthIsBestFirstAndCutAtLevels() {
        int m = newMarket();
        Signer alice = node.funded(10_000_000);
        for (long p : new long[] {97, 99, 98}) {
            assertThat(place(alice, m, "buy", p, 2).status()).isEqualTo(200);
        }
        for (long p : new long[] {103, 101, 102}) {
            assertThat(place(alice, m, "sell", p, 4).status()).isEqualTo(200);
        }
        JsonNode d = node.get("/v1/markets/" + m + "/depth");
        assertThat(d.path("market").asInt()).isEqualTo(m);
        assertThat(d.path("bids").toString()).isEqualTo("[[99,2],[98,2],[97,2]]");
        assertThat(d.path("asks").toString()).isEqualTo("[[101,4],[102,4],[103,4]]");
        JsonNode top = node.get("/v1/markets/" + m + "/depth?levels=1");
        assertThat(top.path("bids").toString()).isEqualTo("[[99,2]]");
        assertThat(top.path("asks").toString()).isEqualTo("[[101,4]]");
        assertThat(node.getResponse("/v1/markets/" + m + "/depth?levels=0").status()).isEqualTo(400);
    }

    @Test
    void ordersAndAccountsAreServedFromCommittedState() {
        int m = newMarket();
        Signer alice = node.funded(1_000_000);
        Signer bob = node.funded(1_000_000);
        long resting = place(alice, m, "buy", 50, 4).json().path("orderId").asLong();
        long filledBuy = place(alice, m, "buy", 60, 1).json().path("orderId").asLong();
        assertThat(place(bob, m, "sell", 60, 1).json().path("status").asText()).isEqualTo("filled");

        JsonNode order = node.get("/v1/orders/" + resting);
        assertThat(order.path("account").asText()).isEqualTo(alice.account());
        assertThat(order.path("status").asText()).isEqualTo("active");
        assertThat(order.path("price").asLong()).isEqualTo(50);

        JsonNode account = node.get("/v1/accounts/" + alice.account());
        assertThat(account.path("name").asText()).isEqualTo(alice.account());
        assertThat(account.path("lastNonce").asLong()).isEqualTo(3);
        assertThat(account.path("openOrders")).hasSize(1);
        assertThat(account.path("openOrders").get(0).path("orderId").asLong()).isEqualTo(resting);
        assertThat(account.path("positions").get(0).path("size").asLong()).isEqualTo(1);
        // long 1 bought at 60, the mark: equity is the collateral; margin 10 % of 1 × 60 + the open 4 × 50
        long collateral = account.path("collateral").asLong();
        assertThat(account.path("equity").asLong()).isEqualTo(collateral);
        assertThat(account.path("initialMargin").asLong()).isEqualTo(26);
        assertThat(account.path("withdrawable").asLong()).isEqualTo(collateral - 26);
        JsonNode byId = node.get("/v1/accounts/" + account.path("accountId").asLong());
        assertThat(byId.path("name").asText()).isEqualTo(alice.account());

        JsonNode filled = node.get("/v1/accounts/" + alice.account() + "/orders?status=filled");
        assertThat(filled.path("orders")).hasSize(1);
        assertThat(filled.path("orders").get(0).path("orderId").asLong()).isEqualTo(filledBuy);
        assertThat(node.get("/v1/accounts/" + alice.account() + "/orders").path("orders")).hasSize(2);
        assertThat(node.getResponse("/v1/accounts/" + alice.account() + "/orders?status=odd").status()).isEqualTo(400);
    }

    @Test
    void blocksAreServedWithTheirTransactions() {
        Signer alice = node.funded(777);
        NodeClient.Response w = node.tx(alice, "withdraw", "amount", 7);
        long h = w.json().path("height").asLong();
        JsonNode block = node.get("/v1/blocks/" + h);
        assertThat(block.path("height").asLong()).isEqualTo(h);
        assertThat(block.path("root").asText()).hasSize(64);
        assertThat(block.path("txs").toString()).contains("\"type\":\"withdraw\"", alice.account());
        JsonNode genesis = node.get("/v1/blocks/1");
        assertThat(genesis.path("time").asLong()).isZero();
        assertThat(genesis.path("txs").get(0).path("type").asText()).isEqualTo("create_market");
        NodeClient.Response missing = node.getResponse("/v1/blocks/999999999");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("code").asText()).isEqualTo("unknown_block");
    }

    @Test
    void orderProofVerifiesAgainstTheStateRoot() {
        int m = newMarket();
        Signer alice = node.funded(1_000_000);
        long id = place(alice, m, "sell", 500, 2).json().path("orderId").asLong();
        // Quiet the chain so that /v1/state and /v1/proof name the same height.
        JsonNode state = node.get("/v1/state");
        JsonNode proof = node.get("/v1/proof?order=" + id + "&height=" + state.path("height").asLong());
        assertThat(proof.path("root").asText()).isEqualTo(state.path("root").asText());
        assertThat(proof.path("exists").asBoolean()).isTrue();
        byte[] key = new StateKey.Order(id).encode();
        byte[] value = HEX.parseHex(proof.path("value").asText());
        byte[] root = HEX.parseHex(state.path("root").asText());
        assertThat(OrderRecord.decode(value).price()).isEqualTo(500);

        CommitmentProof fromProtobuf = Ics23Protobuf.decodeCommitmentProof(HEX.parseHex(proof.path("ics23Protobuf").asText()));
        assertThat(Ics23Verifier.verifyMembership(fromProtobuf, ProofSpec.JMT, root, key, value)).isTrue();
        CommitmentProof fromJson = Ics23JsonReader.read(proof.path("ics23"));
        assertThat(Ics23Verifier.verifyMembership(fromJson, ProofSpec.JMT, root, key, value)).isTrue();
        byte[] tampered = value.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(Ics23Verifier.verifyMembership(fromJson, ProofSpec.JMT, root, key, tampered)).isFalse();
    }

    @Test
    void absentKeyGetsANonExistenceProof() {
        JsonNode state = node.get("/v1/state");
        byte[] key = new StateKey.Order(Long.MAX_VALUE / 3).encode();
        JsonNode proof = node.get("/v1/proof?key=" + HEX.formatHex(key) + "&height=" + state.path("height").asLong());
        assertThat(proof.path("exists").asBoolean()).isFalse();
        assertThat(proof.path("value").isNull()).isTrue();
        CommitmentProof p = Ics23JsonReader.read(proof.path("ics23"));
        assertThat(Ics23Verifier.verifyNonMembership(p, ProofSpec.JMT, HEX.parseHex(proof.path("root").asText()), key)).isTrue();
        assertThat(node.getResponse("/v1/proof?key=zz").status()).isEqualTo(400);
        assertThat(node.getResponse("/v1/proof").status()).isEqualTo(400);
    }

    // ---------------------------------------------------------------- rejections

    @Test
    void badSignatureIs401AndChangesNothing() throws Exception {
        Signer alice = node.funded(1_000);
        String payload = "{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"nonce\":2,\"amount\":10}";
        ObjectNode env = (ObjectNode) MAPPER.readTree(alice.envelope(payload));
        env.put("payload", payload.replace("\"amount\":10", "\"amount\":999"));
        NodeClient.Response r = node.client().postTx(env.toString());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("code").asText()).isEqualTo("bad_signature");
        env.remove("signature");
        assertThat(node.client().postTx(env.toString()).status()).isEqualTo(401);
        assertThat(node.get("/v1/accounts/" + alice.account()).path("collateral").asLong()).isEqualTo(1_000);
    }

    @Test
    void cancellingSomeoneElsesOrderIs403() {
        int m = newMarket();
        Signer alice = node.funded(1_000_000);
        Signer mallory = node.funded(1_000_000);
        long id = place(alice, m, "buy", 10, 1).json().path("orderId").asLong();
        NodeClient.Response r = node.tx(mallory, "cancel", "order", id);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("code").asText()).isEqualTo("not_owner");
        assertThat(node.get("/v1/orders/" + id).path("status").asText()).isEqualTo("active");
    }

    @Test
    void actingForAnotherAccountIs403() {
        Signer alice = node.funded(1_000);
        Signer mallory = Signer.generate();
        String payload = "{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"nonce\":9,\"amount\":10}";
        NodeClient.Response r = node.submit(mallory, payload);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("code").asText()).isEqualTo("not_allowed");
    }

    @Test
    void creatingAMarketWithoutTheAdminKeyIs403() {
        Signer alice = node.funded(1_000);
        NodeClient.Response r = node.tx(alice, "create_market", "market", 77, "symbol", "X", "tickSize", 1, "lotSize", 1,
                "minSize", 1, "makerFeeBps", 0, "takerFeeBps", 0, "initialMarginBps", 1000, "maintenanceMarginBps", 500);
        assertThat(r.status()).isEqualTo(403);
        assertThat(node.getResponse("/v1/markets/77").status()).isEqualTo(404);
    }

    @Test
    void replayedNonceIs409() throws Exception {
        Signer alice = node.funded(1_000);
        String env = alice.envelope("{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"nonce\":2,\"amount\":10}");
        assertThat(node.client().postTx(env).status()).isEqualTo(200);
        NodeClient.Response again = node.client().postTx(env);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("stale_nonce");
        assertThat(node.get("/v1/accounts/" + alice.account()).path("collateral").asLong()).isEqualTo(990);
    }

    @Test
    void twoTransactionsWithOneNonceInOneBlockAdmitOnlyTheFirst() throws Exception {
        Signer alice = node.funded(1_000);
        String a = alice.envelope("{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"nonce\":5,\"amount\":1}");
        String b = alice.envelope("{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"nonce\":5,\"amount\":2}");
        HttpClient http = HttpClient.newHttpClient();
        node.pause();
        try {
            CompletableFuture<HttpResponse<String>> first = http.sendAsync(node.client().txRequest(a), HttpResponse.BodyHandlers.ofString());
            node.awaitProducerHeld();
            CompletableFuture<HttpResponse<String>> second = http.sendAsync(node.client().txRequest(b), HttpResponse.BodyHandlers.ofString());
            awaitQueueDepth(1);
            node.resume();
            assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(second.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(409);
        } finally {
            node.resume();
        }
        assertThat(node.get("/v1/accounts/" + alice.account()).path("collateral").asLong()).isEqualTo(999);
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        Signer alice = node.funded(1_000);
        assertThat(node.client().postTx("not json").status()).isEqualTo(400);
        assertThat(node.client().postTx("[1,2]").status()).isEqualTo(400);
        NodeClient.Response badPayload = node.submit(alice, "{\"type\":\"place\",");
        assertThat(badPayload.status()).isEqualTo(400);
        assertThat(badPayload.json().path("code").asText()).isEqualTo("malformed");
        NodeClient.Response noNonce = node.submit(alice, "{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"amount\":1}");
        assertThat(noNonce.status()).isEqualTo(400);
        assertThat(noNonce.json().path("message").asText()).contains("nonce");
        NodeClient.Response unknownField = node.submit(alice, "{\"type\":\"withdraw\",\"account\":\"" + alice.account()
                + "\",\"nonce\":3,\"amount\":1,\"extra\":1}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(node.getResponse("/v1/orders/abc").status()).isEqualTo(400);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"payload\":\"" + "x".repeat(70 * 1024) + "\",\"pubkey\":\"00\",\"signature\":\"00\"}";
        NodeClient.Response r = node.client().postTx(big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("code").asText()).isEqualTo("too_large");
        String huge = "x".repeat(2 << 20);
        assertThat(node.client().postTx(huge).status()).isEqualTo(413);
    }

    @Test
    void anOversizedBodyIsReadOffBeforeThe413SoTheSenderIsNotReset() throws Exception {
        // Answering before the body is read and then closing resets the connection under a client
        // still sending, and it can lose the answer: bodies up to 16 MiB are read off first.
        URI uri = URI.create(node.url());
        for (boolean chunked : new boolean[] {false, true}) {
            try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
                s.setSoTimeout(10_000);
                java.io.OutputStream out = s.getOutputStream();
                int size = 3 << 20;
                out.write(("POST /v1/tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size) + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] piece = new byte[64 * 1024];
                for (int sent = 0; sent < size; sent += piece.length) {
                    if (chunked) {
                        out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    out.write(piece); // throws if the node reset the connection under the sender
                    if (sent == 0) {
                        out.flush();
                        Thread.sleep(300); // a slow sender: the node has all the time it needs to answer early
                    }
                    if (chunked) {
                        out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                out.flush();
                String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(answer).as(chunked ? "chunked" : "with its length").startsWith("HTTP/1.1 413").contains("\"too_large\"");
            }
        }
    }

    @Test
    void aClientExpectingContinueGetsThe413BeforeSendingItsBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + "/v1/tx"))
                .version(HttpClient.Version.HTTP_1_1).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 << 20])).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(NodeClient.parse(r.body()).path("code").asText()).isEqualTo("too_large");
        }
    }

    @Test
    void aTransactionsAnswerNamesACommittedHeightAtLeastItsBlocks() throws Exception {
        Signer alice = node.funded(1_000);
        String body = alice.envelope("{\"type\":\"cancel_all\",\"account\":\"" + alice.account() + "\",\"nonce\":"
                + node.nextNonce(alice.account()) + "}");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(node.client().txRequest(body), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            long block = NodeClient.parse(r.body()).path("height").asLong();
            assertThat(r.headers().firstValueAsLong(ApiServer.HEIGHT_HEADER)).as("the header").isPresent();
            assertThat(r.headers().firstValueAsLong(ApiServer.HEIGHT_HEADER).getAsLong()).isGreaterThanOrEqualTo(block);
        }
    }

    @Test
    void orderBeyondTheMarginIs422() {
        int m = newMarket();
        Signer alice = node.funded(1_000);
        // 10% initial margin: 1,000 of collateral supports at most 10,000 of notional.
        NodeClient.Response r = place(alice, m, "buy", 1_000, 1_000);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().path("code").asText()).isEqualTo("insufficient_margin");
        NodeClient.Response small = place(alice, m, "buy", 1_000, 5);
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        NodeClient.Response tick = place(alice, m, "buy", 0, 1);
        assertThat(tick.status()).isEqualTo(422);
    }

    @Test
    void unknownMarketOrderAndEndpointAre404() {
        Signer alice = node.funded(1_000);
        NodeClient.Response place = place(alice, 9_999, "buy", 1, 1);
        assertThat(place.status()).isEqualTo(404);
        assertThat(place.json().path("code").asText()).isEqualTo("unknown_market");
        assertThat(node.tx(alice, "cancel", "order", 987_654_321L).json().path("code").asText()).isEqualTo("unknown_order");
        assertThat(node.getResponse("/v1/markets/9999/depth").json().path("code").asText()).isEqualTo("unknown_market");
        assertThat(node.getResponse("/v1/orders/987654321").status()).isEqualTo(404);
        assertThat(node.getResponse("/v1/accounts/nobody").status()).isEqualTo(404);
        NodeClient.Response nowhere = node.getResponse("/v1/nowhere");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.json().path("code").asText()).isEqualTo("not_found");
    }

    // ---------------------------------------------------------------- metrics and health

    @Test
    void metricsCountBlocksRejectionsAndBookSizes() throws Exception {
        int m = newMarket();
        Signer alice = node.funded(1_000_000);
        place(alice, m, "buy", 5, 1);
        node.tx(alice, "cancel", "order", 123_456_789L);
        String text = node.getResponse("/metrics").body();
        assertThat(text).contains("dexnode_blocks_total", "dexnode_txs_total", "dexnode_rejections_total{code=\"unknown_order\"}",
                "dexnode_block_commit_seconds_bucket", "dexnode_orderbook_recovery_seconds", "dexnode_queue_depth",
                "dexnode_active_orders{market=\"" + m + "\"} 1.0", "dexnode_book_levels{market=\"" + m + "\",side=\"bid\"} 1.0");
    }

    @Test
    void healthIsLiveAndReady() {
        assertThat(node.getResponse("/health/live").status()).isEqualTo(200);
        NodeClient.Response ready = node.getResponse("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
    }

    @Test
    void marketsListTheGenesisMarket() {
        JsonNode markets = node.get("/v1/markets");
        assertThat(markets.get(0).path("market").asInt()).isEqualTo(1);
        assertThat(markets.get(0).path("symbol").asText()).isEqualTo("BTC-USD");
        assertThat(node.get("/v1/markets/1").path("takerFeeBps").asInt()).isEqualTo(5);
    }

    static void awaitQueueDepth(int depth) throws Exception {
        Waits.until(Duration.ofSeconds(60), "queue depth " + depth,
                () -> node.getResponse("/metrics").body().contains("dexnode_queue_depth " + depth + ".0"));
    }

    static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET().build();
    }
}
