package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Risk over the API (docs/API.md): the oracle's index price, the market view's index and mark
 * price, insurance fund and funding, the account view's maintenance margin, margin ratio and
 * liquidation prices, and a liquidation as the {@code liquidations} and {@code orders} stream
 * channels report it. The genesis names no oracle, so the admin key signs index prices.
 */
@Timeout(300)
class RiskApiTest {
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

    private static void ok(NodeClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aLiquidationIsShownInTheViewsAndOnTheStream() throws Exception {
        int m = 300;
        ok(node.tx(admin, "create_market", "market", m, "symbol", "RISK", "tickSize", 1, "lotSize", 1, "minSize", 1,
                "makerFeeBps", 0, "takerFeeBps", 0, "initialMarginBps", 1000, "maintenanceMarginBps", 500,
                "fundingIntervalBlocks", 1000));
        NodeClient.Response set = node.tx(admin, "set_index_price", "market", m, "price", 1000);
        ok(set);
        assertThat(set.json().path("indexPrice").asLong()).isEqualTo(1000);
        Signer alice = node.funded(11_200);
        Signer bob = node.funded(1_000_000);
        Signer carol = node.funded(1_000_000);
        assertThat(node.tx(alice, "set_index_price", "market", m, "price", 1).status()).as("not the oracle").isEqualTo(403);
        ok(node.tx(bob, "place", "market", m, "side", "sell", "price", 1000, "size", 100));
        ok(node.tx(alice, "place", "market", m, "side", "buy", "price", 1000, "size", 100));
        ok(node.tx(alice, "place", "market", m, "side", "sell", "price", 1100, "size", 10));
        ok(node.tx(carol, "place", "market", m, "side", "buy", "price", 900, "size", 100));

        JsonNode market = node.get("/v1/markets/" + m);
        assertThat(market.path("indexPrice").asLong()).isEqualTo(1000);
        assertThat(market.path("markPrice").asLong()).as("the index, inside the spread 900 / 1 100").isEqualTo(1000);
        assertThat(market.path("insuranceFund").asLong()).isZero();
        assertThat(market.path("fundingRate").asLong()).isZero();
        assertThat(market.path("nextFundingHeight").asLong()).isPositive();
        JsonNode account = node.get("/v1/accounts/" + alice.account());
        assertThat(account.path("maintenanceMargin").asLong()).isEqualTo(5_000);
        assertThat(account.path("marginRatio").asLong()).as("⌈5 000 × 10 000 / 11 200⌉").isEqualTo(4_465);
        assertThat(account.path("positions").get(0).path("liquidationPrice").asLong()).isEqualTo(934);

        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"liquidations\"}");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + alice.account() + "\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            ok(node.tx(admin, "set_index_price", "market", m, "price", 934));
            JsonNode liquidations = stream.next("liquidations");
            assertThat(liquidations.path("events").get(0).path("type").asText()).isEqualTo("liquidation");
            assertThat(liquidations.path("events").get(0).path("equity").asLong()).isEqualTo(4_600);
            assertThat(liquidations.path("events").get(1).path("type").asText()).isEqualTo("book_close");
            assertThat(liquidations.path("events").get(2).path("type").asText()).isEqualTo("liquidation_fee");
            JsonNode orders = stream.next("orders");
            assertThat(orders.path("orders").get(0).path("reason").asText()).as("her ask").isEqualTo("liquidation");
            assertThat(orders.path("liquidations")).hasSize(3);
        }
        JsonNode after = node.get("/v1/accounts/" + alice.account());
        assertThat(after.path("positions").get(0).path("size").asLong()).isZero();
        assertThat(after.path("positions").get(0).path("liquidationPrice").isNull()).isTrue();
        assertThat(after.path("collateral").asLong()).isEqualTo(266);
        assertThat(node.get("/v1/markets/" + m).path("insuranceFund").asLong()).isEqualTo(934);
    }

    @Test
    void aReplayedOrStaleIndexPriceIsRefusedAsAStaleNonceAndChangesNothing() {
        int m = 301;
        ok(node.tx(admin, "create_market", "market", m, "symbol", "REPLAY", "tickSize", 1, "lotSize", 1, "minSize", 1,
                "makerFeeBps", 0, "takerFeeBps", 0, "initialMarginBps", 1000, "maintenanceMarginBps", 500));
        long nonce = node.nextNonce(admin.account());
        String first = "{\"type\":\"set_index_price\",\"account\":\"" + admin.account() + "\",\"nonce\":" + nonce
                + ",\"market\":" + m + ",\"price\":1000}";
        ok(node.submit(admin, first));
        ok(node.tx(admin, "set_index_price", "market", m, "price", 1100));

        NodeClient.Response replayed = node.submit(admin, first);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(409);
        assertThat(replayed.json().path("code").asText()).isEqualTo("stale_nonce");
        NodeClient.Response stale = node.submit(admin, first.replace("\"price\":1000", "\"price\":900"));
        assertThat(stale.status()).as("a new price under an old nonce: %s", stale.body()).isEqualTo(409);
        assertThat(node.get("/v1/markets/" + m).path("indexPrice").asLong()).as("the latest price stands").isEqualTo(1100);
    }
}
