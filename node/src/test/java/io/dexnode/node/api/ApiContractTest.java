package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP and WebSocket interface exactly as DESIGN.md §8 and docs/API.md state it: endpoints,
 * answer shapes and metric names, checked against one real node (--dev, with an admin key).
 */
@Timeout(300)
class ApiContractTest {
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

    private static NodeClient.Response createMarket(long id) {
        return node.tx(admin, "create_market", "market", id, "symbol", "M" + id, "tickSize", 1, "lotSize", 1,
                "minSize", 1, "makerFeeBps", 2, "takerFeeBps", 5, "initialMarginBps", 1000, "maintenanceMarginBps", 500);
    }

    private static double counter(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void bareHealthPathAnswersLikeReadiness() {
        // DESIGN.md §8: "./dexnode run — … /metrics (Prometheus), /health".
        NodeClient.Response health = node.getResponse("/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ready");
        assertThat(health.json().path("height").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void everyDocumentedMetricIsExposedByAFreshNode() throws Exception {
        try (TestNode fresh = TestNode.dev()) {
            String text = fresh.getResponse("/metrics").body();
            for (String name : new String[] {"dexnode_blocks_total", "dexnode_txs_total", "dexnode_rejections_total",
                    "dexnode_block_commit_seconds", "dexnode_block_execute_seconds", "dexnode_queue_depth", "dexnode_active_orders",
                    "dexnode_book_levels", "dexnode_orderbook_recovery_seconds", "dexnode_recovery_repairs_total",
                    "dexnode_stream_connections", "dexnode_stream_closed_total", "dexnode_checkpoint_height",
                    "dexnode_checkpoint_failures_total", "dexnode_consistency_check_seconds"}) {
                assertThat(text).as(name).containsPattern("(?m)^# TYPE " + name + " ");
            }
            assertThat(text).contains("dexnode_recovery_repairs_total{kind=\"orphaned_active_order\"} 0.0",
                    "dexnode_rejections_total{code=\"stale_nonce\"} 0.0", "dexnode_stream_connections 0.0",
                    "dexnode_consistency_check_seconds_count{part=\"beside\"}");
            // The check before serving ran on the block thread, and was counted.
            assertThat(text).containsPattern("(?m)^dexnode_consistency_check_seconds_count\\{part=\"block_thread\"\\} [1-9]");
            for (String reason : new String[] {"too_slow", "too_many_requests", "message_too_large", "connection_limit"}) {
                assertThat(text).contains("dexnode_stream_closed_total{reason=\"" + reason + "\"} 0.0");
            }
        }
    }

    @Test
    void everySeriesIsTheNodesUnderDexnodeOrTheJvmsOwn() throws Exception {
        String text = node.getResponse("/metrics").body();
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(text);
        List<String> names = new ArrayList<>();
        while (type.find()) {
            names.add(type.group(1));
        }
        // Before: active_orders, book_levels, orderbook_recovery_seconds, recovery_repairs_total had no namespace.
        assertThat(names).allSatisfy(name -> assertThat(name).matches("(dexnode|jvm|process)_[a-z0-9_]+"));
        // The JVM's own: memory, garbage collection, threads, and the process's CPU.
        assertThat(names).contains("jvm_memory_used_bytes", "jvm_gc_collection_seconds", "jvm_threads_current",
                "process_cpu_seconds_total");
    }

    @Test
    void marketIdsBeyondNineDigitsAreServedLikeAnyOther() {
        // Market ids are u32 (DESIGN.md §5); the engine creates and trades ids up to 2^31 - 1.
        long id = 2_000_000_000L;
        assertThat(createMarket(id).status()).isEqualTo(200);
        Signer alice = node.funded(1_000_000);
        assertThat(node.tx(alice, "place", "market", id, "side", "buy", "price", 10, "size", 2).status()).isEqualTo(200);

        NodeClient.Response market = node.getResponse("/v1/markets/" + id);
        assertThat(market.status()).as(market.body()).isEqualTo(200);
        assertThat(market.json().path("market").asLong()).isEqualTo(id);
        NodeClient.Response depth = node.getResponse("/v1/markets/" + id + "/depth");
        assertThat(depth.status()).as(depth.body()).isEqualTo(200);
        assertThat(depth.json().path("market").asLong()).isEqualTo(id);
        assertThat(depth.json().path("bids").toString()).isEqualTo("[[10,2]]");
        assertThat(node.getResponse("/v1/markets/" + id + "/trades").status()).isEqualTo(200);

        assertThat(node.getResponse("/v1/markets/1999999999").json().path("code").asText()).isEqualTo("unknown_market");
        assertThat(node.getResponse("/v1/markets/4294967295").json().path("code").asText()).isEqualTo("unknown_market");
        assertThat(node.getResponse("/v1/markets/4294967296").status()).isEqualTo(400);
    }

    @Test
    void readErrorsAreNotCountedAsRejectedTransactions() throws Exception {
        String before = node.getResponse("/metrics").body();
        assertThat(node.getResponse("/v1/markets/4242").status()).isEqualTo(404);
        assertThat(node.getResponse("/v1/orders/987654321").status()).isEqualTo(404);
        assertThat(node.getResponse("/v1/markets/abc").status()).isEqualTo(400);
        String after = node.getResponse("/metrics").body();
        for (String code : new String[] {"unknown_market", "unknown_order", "malformed"}) {
            String series = "dexnode_rejections_total{code=\"" + code + "\"}";
            assertThat(counter(after, series)).as(series).isEqualTo(counter(before, series));
        }
        // A refused transaction still counts.
        assertThat(node.client().postTx("not json").status()).isEqualTo(400);
        String refused = node.getResponse("/metrics").body();
        assertThat(counter(refused, "dexnode_rejections_total{code=\"malformed\"}"))
                .isEqualTo(counter(after, "dexnode_rejections_total{code=\"malformed\"}") + 1);
    }

    @Test
    void theCapOnRestingOrdersIsAMarketFieldAndRefusesBeyondItWith422() throws Exception {
        assertThat(createMarket(777).status()).isEqualTo(200);
        assertThat(node.get("/v1/markets/777").path("maxOpenOrders").asInt()).as("the default").isEqualTo(1000);
        NodeClient.Response capped = node.tx(admin, "create_market", "market", 778, "symbol", "M778", "tickSize", 1,
                "lotSize", 1, "minSize", 1, "makerFeeBps", 0, "takerFeeBps", 0, "initialMarginBps", 1000,
                "maintenanceMarginBps", 500, "maxOpenOrders", 2);
        assertThat(capped.status()).as(capped.body()).isEqualTo(200);
        assertThat(node.get("/v1/markets/778").path("maxOpenOrders").asInt()).isEqualTo(2);
        NodeClient.Response outOfRange = node.tx(admin, "create_market", "market", 779, "symbol", "M779", "tickSize", 1,
                "lotSize", 1, "minSize", 1, "makerFeeBps", 0, "takerFeeBps", 0, "initialMarginBps", 1000,
                "maintenanceMarginBps", 500, "maxOpenOrders", 0);
        assertThat(outOfRange.status()).isEqualTo(422);
        assertThat(outOfRange.json().path("code").asText()).isEqualTo("invalid_market");

        Signer alice = node.funded(1_000_000);
        for (int price = 10; price < 12; price++) {
            assertThat(node.tx(alice, "place", "market", 778, "side", "buy", "price", price, "size", 1).status()).isEqualTo(200);
        }
        String before = node.getResponse("/metrics").body();
        NodeClient.Response third = node.tx(alice, "place", "market", 778, "side", "buy", "price", 12, "size", 1);
        assertThat(third.status()).as(third.body()).isEqualTo(422);
        assertThat(third.json().path("code").asText()).isEqualTo("too_many_orders");
        assertThat(counter(node.getResponse("/metrics").body(), "dexnode_rejections_total{code=\"too_many_orders\"}"))
                .isEqualTo(counter(before, "dexnode_rejections_total{code=\"too_many_orders\"}") + 1);
        assertThat(node.tx(alice, "place", "market", 778, "side", "buy", "price", 12, "size", 1, "tif", "ioc").status())
                .as("an IOC order never rests").isEqualTo(200);
        assertThat(node.get("/v1/markets/778/depth").path("bids").toString()).isEqualTo("[[11,1],[10,1]]");
    }

    @Test
    void eachTransactionTypeIsAnsweredInItsDocumentedShape() {
        NodeClient.Response market = createMarket(555);
        assertThat(market.json().fieldNames()).toIterable().containsExactly("height", "type", "market");
        assertThat(market.json().path("type").asText()).isEqualTo("create_market");
        assertThat(market.json().path("market").asLong()).isEqualTo(555);

        Signer alice = Signer.generate();
        NodeClient.Response deposit = node.tx(alice, "deposit", "amount", 1_000_000);
        assertThat(deposit.json().fieldNames()).toIterable().containsExactly("height", "type", "account");
        assertThat(deposit.json().path("account").asText()).isEqualTo(alice.account());
        NodeClient.Response withdraw = node.tx(alice, "withdraw", "amount", 1);
        assertThat(withdraw.json().fieldNames()).toIterable().containsExactly("height", "type", "account");
        assertThat(withdraw.json().path("type").asText()).isEqualTo("withdraw");

        NodeClient.Response place = node.tx(alice, "place", "market", 555, "side", "buy", "price", 10, "size", 3,
                "clientOrderId", "c1");
        assertThat(place.json().fieldNames()).toIterable()
                .containsExactly("height", "type", "orderId", "status", "remaining", "fills");
        assertThat(place.json().path("status").asText()).isEqualTo("active");
        long orderId = place.json().path("orderId").asLong();
        node.tx(alice, "place", "market", 555, "side", "buy", "price", 9, "size", 1);

        NodeClient.Response amend = node.tx(alice, "amend", "clientOrderId", "c1", "price", 11, "size", 2);
        assertThat(amend.status()).as(amend.body()).isEqualTo(200);
        assertThat(amend.json().path("orderId").asLong()).isEqualTo(orderId);
        assertThat(amend.json().path("remaining").asLong()).isEqualTo(2);

        NodeClient.Response cancel = node.tx(alice, "cancel", "clientOrderId", "c1");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(cancel.json().path("orderId").asLong()).isEqualTo(orderId);
        assertThat(cancel.json().path("status").asText()).isEqualTo("cancelled");

        NodeClient.Response all = node.tx(alice, "cancel_all", "market", 555);
        assertThat(all.json().fieldNames()).toIterable().containsExactly("height", "type", "cancelled");
        assertThat(all.json().path("cancelled").asLong()).isEqualTo(1);
        assertThat(node.get("/v1/markets/555/depth").path("bids").toString()).isEqualTo("[]");
    }

    @Test
    void unsubscribedTradesChannelGetsNoMoreTrades() throws Exception {
        assertThat(createMarket(556).status()).isEqualTo(200);
        Signer maker = node.funded(1_000_000);
        Signer taker = node.funded(1_000_000);
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":556}");
            JsonNode ack = stream.next();
            assertThat(ack.path("op").asText()).isEqualTo("subscribed");
            assertThat(ack.path("channel").asText()).isEqualTo("trades");
            assertThat(ack.has("height")).isTrue();
            stream.send("{\"op\":\"unsubscribe\",\"channel\":\"trades\",\"market\":556}");
            assertThat(stream.next().path("op").asText()).isEqualTo("unsubscribed");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + taker.account() + "\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");

            node.tx(maker, "place", "market", 556, "side", "sell", "price", 10, "size", 1);
            NodeClient.Response hit = node.tx(taker, "place", "market", 556, "side", "buy", "price", 10, "size", 1);
            assertThat(hit.json().path("fills")).hasSize(1);
            // A block's messages go out trades before orders: had the unsubscribe not held, a trade would come first.
            JsonNode next = stream.next();
            assertThat(next.path("channel").asText()).isEqualTo("orders");
            assertThat(next.path("height").asLong()).isEqualTo(hit.json().path("height").asLong());
        }
    }

    @Test
    void anAccountIsFoundByItsPublicKeyInEitherCase() {
        Signer s = Signer.generate();
        assertThat(node.tx(s, "deposit", "amount", 5).ok()).isTrue();
        NodeClient.Response lower = node.getResponse("/v1/accounts/" + s.account());
        NodeClient.Response upper = node.getResponse("/v1/accounts/" + s.account().toUpperCase(java.util.Locale.ROOT));
        assertThat(lower.status()).isEqualTo(200);
        assertThat(upper.status()).as(upper.body()).isEqualTo(200);
        assertThat(upper.json().path("accountId").asLong()).isEqualTo(lower.json().path("accountId").asLong());
    }
}
