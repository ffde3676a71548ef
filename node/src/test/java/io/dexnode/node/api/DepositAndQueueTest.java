package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.Waits;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deposit permissions without --dev, and back-pressure, each on its own node. */
@Timeout(300)
class DepositAndQueueTest {

    @Test
    void withoutAdminOrDevDepositsAre403WithAHint() throws Exception {
        try (TestNode node = TestNode.start(false, null, 100)) {
            Signer alice = Signer.generate();
            NodeClient.Response r = node.tx(alice, "deposit", "amount", 100);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().path("code").asText()).isEqualTo("not_allowed");
            assertThat(r.json().path("message").asText()).contains("--dev", "admin");
            assertThat(node.getResponse("/v1/accounts/" + alice.account()).status()).isEqualTo(404);
            assertThat(node.get("/v1/chain").path("dev").asBoolean(true)).as("GET /v1/chain says there is no faucet").isFalse();
        }
        try (TestNode node = TestNode.dev()) {
            assertThat(node.get("/v1/chain").path("dev").asBoolean(false)).as("a --dev node says it has a faucet").isTrue();
        }
    }

    @Test
    void theAdminKeyDepositsForAnyoneAndOthersMayNot() throws Exception {
        Signer admin = Signer.generate();
        try (TestNode node = TestNode.start(false, admin, 100)) {
            Signer alice = Signer.generate();
            assertThat(node.tx(alice, "deposit", "amount", 100).status()).isEqualTo(403);
            String payload = "{\"type\":\"deposit\",\"account\":\"" + alice.account() + "\",\"nonce\":1,\"amount\":500}";
            NodeClient.Response byAdmin = node.submit(admin, payload);
            assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
            assertThat(node.get("/v1/accounts/" + alice.account()).path("collateral").asLong()).isEqualTo(500);
            assertThat(node.place(alice, "buy", 10, 1).status()).isEqualTo(200);
        }
    }

    @Test
    void aFullQueueIs503AndQueuedTransactionsStillComplete() throws Exception {
        try (TestNode node = TestNode.start(true, null, 1)) {
            Signer a = node.funded(1_000);
            Signer b = node.funded(1_000);
            Signer c = node.funded(1_000);
            HttpClient http = HttpClient.newHttpClient();
            node.pause();
            CompletableFuture<HttpResponse<String>> held = http.sendAsync(node.client().txRequest(
                    a.envelope(withdraw(a, 2))), HttpResponse.BodyHandlers.ofString());
            node.awaitProducerHeld();
            CompletableFuture<HttpResponse<String>> queued = http.sendAsync(node.client().txRequest(
                    b.envelope(withdraw(b, 2))), HttpResponse.BodyHandlers.ofString());
            Waits.until(Duration.ofSeconds(60), "one transaction queued",
                    () -> node.getResponse("/metrics").body().contains("dexnode_queue_depth 1.0"));
            NodeClient.Response refused = node.submit(c, withdraw(c, 2));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("code").asText()).isEqualTo("overloaded");
            node.resume();
            assertThat(held.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(queued.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(node.get("/v1/accounts/" + c.account()).path("collateral").asLong()).isEqualTo(1_000);
            assertThat(node.getResponse("/metrics").body()).contains("dexnode_rejections_total{code=\"overloaded\"} 1.0");
        }
    }

    private static String withdraw(Signer s, long nonce) {
        return "{\"type\":\"withdraw\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ",\"amount\":1}";
    }
}
