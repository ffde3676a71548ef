package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stream's local-book recipe: a snapshot plus diffs, checked by height, equals {@code /depth}. */
@Timeout(300)
class StreamTest {
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.dev();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A client-side book kept from depth messages, the way the API docs describe. */
    static final class LocalBook {
        final TreeMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
        final TreeMap<Long, Long> asks = new TreeMap<>();
        long height = -1;

        void apply(JsonNode m) {
            if ("snapshot".equals(m.path("type").asText())) {
                bids.clear();
                asks.clear();
            } else {
                assertThat(m.path("prevHeight").asLong()).as("no gap before height %d", m.path("height").asLong())
                        .isEqualTo(height);
            }
            assertThat(m.path("height").asLong()).isGreaterThan(height);
            height = m.path("height").asLong();
            put(bids, m.path("bids"));
            put(asks, m.path("asks"));
        }

        private static void put(TreeMap<Long, Long> side, JsonNode levels) {
            for (JsonNode l : levels) {
                if (l.get(1).asLong() == 0) {
                    side.remove(l.get(0).asLong());
                } else {
                    side.put(l.get(0).asLong(), l.get(1).asLong());
                }
            }
        }

        String levels(TreeMap<Long, Long> side) {
            StringBuilder sb = new StringBuilder("[");
            for (Map.Entry<Long, Long> e : side.entrySet()) {
                sb.append(sb.length() > 1 ? "," : "").append('[').append(e.getKey()).append(',').append(e.getValue()).append(']');
            }
            return sb.append(']').toString();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void localBookFromSnapshotAndDiffsEqualsDepth(long seed) throws Exception {
        Random rnd = new Random(seed);
        List<Signer> traders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            traders.add(node.funded(100_000_000));
        }
        // Rest some orders before subscribing, so the snapshot is not empty.
        for (int i = 0; i < 6; i++) {
            node.place(traders.get(i % 4), i % 2 == 0 ? "buy" : "sell", i % 2 == 0 ? 1_000 - i : 1_100 + i, 1 + i);
        }
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            LocalBook book = new LocalBook();
            JsonNode snapshot = stream.next("depth");
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            book.apply(snapshot);

            HttpClient http = HttpClient.newHttpClient();
            long[] nonces = new long[traders.size()];
            for (int i = 0; i < traders.size(); i++) {
                nonces[i] = node.nextNonce(traders.get(i).account());
            }
            for (int round = 0; round < 40; round++) {
                // One transaction per trader at a time, sent concurrently, so blocks hold several.
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int t = 0; t < traders.size(); t++) {
                    Signer s = traders.get(t);
                    String payload = randomTx(rnd, s.account(), nonces[t]++);
                    inFlight.add(http.sendAsync(node.client().txRequest(s.envelope(payload)), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                    assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isIn(200, 404, 422);
                }
            }
            // A final, certain change to the book marks the end of the sequence.
            NodeClient.Response last = node.place(traders.get(0), "buy", 1, 1);
            long finalHeight = last.json().path("height").asLong();
            while (book.height < finalHeight) {
                book.apply(stream.next("depth"));
            }
            JsonNode depth = node.get("/v1/markets/1/depth?levels=100000");
            assertThat(depth.path("height").asLong()).isEqualTo(finalHeight);
            assertThat(book.height).isEqualTo(finalHeight);
            assertThat(book.levels(book.bids)).isEqualTo(depth.path("bids").toString());
            assertThat(book.levels(book.asks)).isEqualTo(depth.path("asks").toString());
        }
        for (Signer s : traders) {
            node.tx(s, "cancel_all");
        }
    }

    private static String randomTx(Random rnd, String account, long nonce) {
        String head = "{\"account\":\"" + account + "\",\"nonce\":" + nonce + ",";
        if (rnd.nextInt(10) == 0) {
            return head + "\"type\":\"cancel_all\",\"market\":1}";
        }
        boolean buy = rnd.nextBoolean();
        long price = 1_050 + (buy ? -1 : 1) * (rnd.nextInt(40) - 8);
        String tif = rnd.nextInt(8) == 0 ? "ioc" : "gtc";
        return head + "\"type\":\"place\",\"market\":1,\"side\":\"" + (buy ? "buy" : "sell") + "\",\"price\":" + price
                + ",\"size\":" + (1 + rnd.nextInt(9)) + ",\"tif\":\"" + tif + "\"}";
    }

    @Test
    void tradesAndOrderUpdatesArriveWithTheirHeight() throws Exception {
        Signer maker = node.funded(10_000_000);
        Signer taker = node.funded(10_000_000);
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + maker.account() + "\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            NodeClient.Response rest = node.place(maker, "sell", 5_000, 4);
            JsonNode placed = stream.next("orders");
            assertThat(placed.path("height").asLong()).isEqualTo(rest.json().path("height").asLong());
            assertThat(placed.path("orders").get(0).path("status").asText()).isEqualTo("active");
            NodeClient.Response hit = node.place(taker, "buy", 5_000, 4);
            JsonNode trades = stream.next("trades");
            assertThat(trades.path("height").asLong()).isEqualTo(hit.json().path("height").asLong());
            assertThat(trades.path("trades").get(0).path("price").asLong()).isEqualTo(5_000);
            assertThat(trades.path("trades").get(0).path("size").asLong()).isEqualTo(4);
            JsonNode filled = stream.next("orders");
            assertThat(filled.path("orders").get(0).path("status").asText()).isEqualTo("filled");
        }
    }

    @Test
    void ordersChannelTakesThePublicKeyInEitherCase() throws Exception {
        Signer known = node.funded(10_000_000);
        Signer notYet = Signer.generate(); // no account until its first deposit, after subscribing
        String knownUpper = known.account().toUpperCase(Locale.ROOT);
        String notYetUpper = notYet.account().toUpperCase(Locale.ROOT);
        try (StreamClient stream = new StreamClient(node.url())) {
            for (String account : new String[] {knownUpper, notYetUpper}) {
                stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + account + "\"}");
                JsonNode ack = stream.next();
                assertThat(ack.path("op").asText()).as(ack.toString()).isEqualTo("subscribed");
                assertThat(ack.path("account").asText()).as("acknowledged by the account's name")
                        .isEqualTo(account.toLowerCase(Locale.ROOT));
            }
            NodeClient.Response rest = node.place(known, "sell", 8_000, 1);
            JsonNode placed = stream.next("orders");
            assertThat(placed.path("account").asText()).isEqualTo(known.account());
            assertThat(placed.path("height").asLong()).isEqualTo(rest.json().path("height").asLong());

            assertThat(node.tx(notYet, "deposit", "amount", 10_000_000).ok()).isTrue();
            NodeClient.Response later = node.place(notYet, "sell", 8_001, 1);
            JsonNode laterPlaced = stream.next("orders");
            assertThat(laterPlaced.path("account").asText()).isEqualTo(notYet.account());
            assertThat(laterPlaced.path("height").asLong()).isEqualTo(later.json().path("height").asLong());

            // Either case names one subscription: unsubscribing in lower case ends the upper-case one.
            stream.send("{\"op\":\"unsubscribe\",\"channel\":\"orders\",\"account\":\"" + known.account() + "\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("unsubscribed");
            node.place(known, "sell", 8_002, 1);
            NodeClient.Response marker = node.place(notYet, "sell", 8_003, 1);
            JsonNode next = stream.next("orders");
            assertThat(next.path("account").asText()).as("no more updates for the unsubscribed account")
                    .isEqualTo(notYet.account());
            assertThat(next.path("height").asLong()).isEqualTo(marker.json().path("height").asLong());
        }
        node.tx(known, "cancel_all");
        node.tx(notYet, "cancel_all");
    }

    @Test
    void badSubscriptionsAreAnsweredWithAnError() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":4242}");
            JsonNode e = stream.next();
            assertThat(e.path("op").asText()).isEqualTo("error");
            assertThat(e.path("code").asText()).isEqualTo("unknown_market");
            stream.send("nonsense");
            assertThat(stream.next().path("code").asText()).isEqualTo("malformed");
        }
    }

    /** A market id is an integer up to 4294967295, as in a path: anything else is refused, not rounded or wrapped. */
    @ParameterizedTest(name = "market {0}")
    @ValueSource(strings = {"1.7", "1.0", "1e0", "-1", "4294967296", "18446744073709551617", "\"1\"", "true", "null", "[1]"})
    void aMarketThatIsNotAnIntegerIdIsRefusedAsMalformed(String market) throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            for (String channel : new String[] {"depth", "trades"}) {
                stream.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"market\":" + market + "}");
                JsonNode e = stream.next();
                assertThat(e.path("op").asText()).isEqualTo("error");
                assertThat(e.path("code").asText()).isEqualTo("malformed");
                assertThat(e.path("message").asText()).contains("\"market\"").contains("4294967295");
            }
            // Nothing was subscribed: the next message is the answer to this request, with no snapshot before it.
            stream.send("{\"op\":\"unsubscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(stream.next().path("op").asText()).isEqualTo("unsubscribed");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            JsonNode ack = stream.next();
            assertThat(ack.path("op").asText()).isEqualTo("subscribed");
            assertThat(ack.path("market").isInt()).isTrue();
        }
    }

    /** Ids past 2^31 - 1 are well formed but no market has them (the engine creates none), as in a path. */
    @ParameterizedTest(name = "market {0}")
    @ValueSource(longs = {0, 2147483648L, 4294967295L})
    void aWellFormedMarketIdNoMarketHasIsUnknown(long market) throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":" + market + "}");
            JsonNode e = stream.next();
            assertThat(e.path("code").asText()).isEqualTo("unknown_market");
            assertThat(e.path("message").asText()).isEqualTo("market " + market + " does not exist");
        }
    }

    @Test
    void subscriptionsPastTheBoundAreRefusedWithAnErrorAndChangeNothing() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            for (int i = 0; i < StreamHub.MAX_SUBSCRIPTIONS; i++) {
                stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"watcher-" + i + "\"}");
                assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            }
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"one-too-many\"}");
            JsonNode e = stream.next();
            assertThat(e.path("op").asText()).isEqualTo("error");
            assertThat(e.path("code").asText()).isEqualTo("not_allowed");
            assertThat(e.path("message").asText()).contains("at most " + StreamHub.MAX_SUBSCRIPTIONS + " subscriptions");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            assertThat(stream.next().path("code").asText()).as("the bound counts every channel").isEqualTo("not_allowed");
            // Subscribing again to one it holds is not a new subscription.
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"watcher-0\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
        }
    }

    @Test
    void unsubscribingMakesRoomForAnotherSubscription() throws Exception {
        Signer maker = node.funded(10_000_000);
        try (StreamClient stream = new StreamClient(node.url())) {
            for (int i = 0; i < StreamHub.MAX_SUBSCRIPTIONS; i++) {
                stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"watcher-" + i + "\"}");
                assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            }
            stream.send("{\"op\":\"unsubscribe\",\"channel\":\"orders\",\"account\":\"watcher-7\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("unsubscribed");
            stream.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + maker.account() + "\"}");
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            NodeClient.Response rest = node.place(maker, "sell", 7_000, 1);
            assertThat(stream.next("orders").path("height").asLong()).isEqualTo(rest.json().path("height").asLong());
        }
        node.tx(maker, "cancel_all");
    }

    @Test
    void aSubscriptionAtItsSizeBoundIsAnsweredAndOneOverItIsRefusedWithTheConnectionOpen() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(padded("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1,\"pad\":\"",
                    StreamHub.MAX_SUBSCRIPTION_BYTES));
            assertThat(stream.next().path("op").asText()).isEqualTo("subscribed");
            stream.send(padded("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1,\"pad\":\"",
                    StreamHub.MAX_SUBSCRIPTION_BYTES + 1));
            JsonNode refused = stream.next();
            assertThat(refused.path("op").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("too_large");
            stream.send("{\"op\":\"unsubscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(stream.next().path("op").asText()).isEqualTo("unsubscribed");
        }
    }

    @Test
    void aMessageAtTheFrameBoundIsAnswered() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(padded("{\"op\":\"tx\",\"id\":\"big\",\"tx\":{\"pad\":\"", StreamHub.MAX_REQUEST_BYTES - 1) + "}");
            JsonNode answer = stream.next();
            assertThat(answer.path("op").asText()).isEqualTo("tx_result");
            assertThat(answer.path("id").asText()).isEqualTo("big");
            assertThat(answer.path("status").asInt()).isEqualTo(413);
            assertThat(answer.path("code").asText()).isEqualTo("too_large");
        }
    }

    @Test
    void aMessageOverTheSizeBoundClosesTheConnectionWith1009() throws Exception {
        try (StreamClient stream = new StreamClient(node.url())) {
            stream.send(padded("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1,\"pad\":\"", StreamHub.MAX_REQUEST_BYTES + 1));
            StreamClient.Closed closed = stream.awaitClosed();
            assertThat(closed.code()).isEqualTo(1009);
            assertThat(closed.reason()).containsIgnoringCase("too large");
        }
        // The node serves other connections as before.
        try (StreamClient other = new StreamClient(node.url())) {
            other.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(other.next().path("op").asText()).isEqualTo("subscribed");
        }
    }

    /** {@code head} padded with x's and closed as a JSON string and object, {@code length} ASCII characters in all. */
    private static String padded(String head, int length) {
        return head + "x".repeat(length - head.length() - 2) + "\"}";
    }
}
