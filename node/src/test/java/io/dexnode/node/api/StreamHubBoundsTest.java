package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.book.Side;
import io.dexnode.engine.Fill;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.Trade;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one stream connection, and all of them together, may hold of the node: a {@link StreamHub}
 * behind the same routes as {@link ApiServer}, fed made-up blocks, so a test controls how much the
 * hub sends and when its thread is busy.
 */
@Timeout(300)
class StreamHubBoundsTest {
    private static final MarketParams MARKET = new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);
    /** The node-wide bound here: every test but the bound's own uses at most this many connections at once. */
    private static final int MAX_CONNECTIONS = 2;

    /** Set to hold the hub's thread in its next state read (an orders subscription) until counted down. */
    private volatile CountDownLatch stateReadsHeld;
    private StreamHub hub;
    private NodeMetrics metrics;
    private HubServer server;
    private String url;
    /** Notified after the hub is told of each close or failure, so a test waits for those events, not for time. */
    /** Closes and failures the hub has been told of. */
    @BeforeEach
    void start() {
        StateStore memory = new InMemoryStateStore();
        StateStore store = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    CountDownLatch held = stateReadsHeld;
                    if (held != null && (method.getName().equals("get") || method.getName().equals("getDurable"))) {
                        held.await(60, TimeUnit.SECONDS); // bounded: released by the test, at the latest in stop()
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        metrics = new NodeMetrics(() -> 0, List::of, () -> hub.openConnections());
        hub = new StreamHub(marketData(1), new StateQueries(store), MAX_CONNECTIONS, metrics);
        server = new HubServer(hub);
        url = server.url();
    }

    @AfterEach
    void stop() {
        CountDownLatch held = stateReadsHeld;
        if (held != null) {
            held.countDown();
        }
        server.close();
        hub.close();
    }

    private static MarketData marketData(long height) {
        MarketView view = new MarketView(MARKET, height, new long[0][], new long[0][], 0);
        TreeMap<Integer, MarketView> markets = new TreeMap<>();
        markets.put(1, view);
        return new MarketData(height, markets);
    }

    /** A block with {@code fills} trades in market 1 (about 230 characters of JSON each) and one changed level. */
    private static BlockEvents block(long height, int fills) {
        List<Trade> trades = new ArrayList<>();
        for (int i = 0; i < fills; i++) {
            trades.add(new Trade(height, height * 1_000, new Fill(1, i + 1, 1_000_000 + i, 7, 2_000_000 + i, 8, Side.BUY,
                    100_000 + i, 1 + i, 10, 20)));
        }
        TreeMap<Integer, BlockEvents.DepthChange> depth = new TreeMap<>();
        depth.put(1, new BlockEvents.DepthChange(new long[][] {{100_000, 0}}, new long[0][]));
        TreeMap<Integer, List<Trade>> byMarket = new TreeMap<>();
        byMarket.put(1, trades);
        return new BlockEvents(height, height * 1_000, depth, byMarket, List.of(), List.of(), marketData(height));
    }

    /** Subscribes to trades and waits for the ack: the hub has accepted the connection (it answers only those it holds). */
    private static void subscribed(StreamClient client) throws InterruptedException {
        client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
        assertThat(client.next().path("op").asText()).isEqualTo("subscribed");
    }

    private int subscriptions() {
        try {
            return hub.subscriptions();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedWithAReasonOnceItsBacklogPassesTheBound() throws Exception {
        try (StreamClient slow = new StreamClient(url); StreamClient reader = new StreamClient(url)) {
            slow.pauseReading();
            slow.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(slow.next().path("op").asText()).isEqualTo("subscribed");
            reader.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            assertThat(reader.next("depth").path("type").asText()).isEqualTo("snapshot");

            // About 64 KiB a block; enough blocks to fill any socket buffers several times over.
            int published = 0;
            long chars = 0;
            while (hub.connections() == 2 && published < 2_000) {
                BlockEvents b = block(2 + published, 280);
                chars += StreamHub.tradesMessage(1, b.height(), b.trades().get(1)).length();
                hub.publish(b);
                published++;
                subscriptions(); // runs after the block on the hub's thread: one block at a time
            }
            assertThat(hub.connections()).as("the slow client is dropped, the one that reads kept").isEqualTo(1);
            assertThat(chars).isGreaterThan(StreamHub.MAX_PENDING_CHARS);

            slow.resumeReading();
            StreamClient.Closed closed = slow.awaitClosed();
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).startsWith("too slow");
            assertThat(metrics.streamClosedTotal(NodeMetrics.StreamClosure.TOO_SLOW)).isEqualTo(1);
            assertThat(slow.received()).as("what was queued before the close, not every block")
                    .isBetween(1, published - 1);
            for (int i = 0; i < published; i++) {
                assertThat(reader.next("depth").path("height").asLong()).isEqualTo(2 + i);
            }
        }
    }

    @Test
    void aClientWithTooManyRequestsWaitingIsClosedWithAReason() throws Exception {
        stateReadsHeld = new CountDownLatch(1);
        try (StreamClient flood = new StreamClient(url)) {
            // An orders subscription reads state: the hub's thread is held there while requests pile up.
            flood.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"alice\"}");
            int sent = 0;
            try {
                for (; sent <= StreamHub.MAX_QUEUED_REQUESTS; sent++) {
                    flood.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
                }
            } catch (RuntimeException closedWhileSending) {
                // the server closed the connection before the client sent them all
            }
            StreamClient.Closed closed = flood.awaitClosed();
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).startsWith("too many requests");
            assertThat(metrics.streamClosedTotal(NodeMetrics.StreamClosure.TOO_MANY_REQUESTS)).isEqualTo(1);
            assertThat(hub.connections()).isZero();
            stateReadsHeld.countDown();
            assertThat(subscriptions()).as("a dropped connection's waiting requests change nothing").isZero();
        }
    }

    @Test
    void closingAConnectionReleasesEverythingItHeld() throws Exception {
        StreamClient polite = new StreamClient(url);
        StreamClient abrupt = new StreamClient(url);
        for (StreamClient c : List.of(polite, abrupt)) {
            c.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            c.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            c.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"alice\"}");
            c.next("depth"); // the snapshot follows the depth ack
            c.next();
            c.next();
        }
        assertThat(hub.connections()).isEqualTo(2);
        assertThat(subscriptions()).isEqualTo(6);

        polite.close();
        abrupt.abort();
        server.awaitValue(hub::openConnections, 0);
        assertThat(hub.connections()).isZero();
        assertThat(subscriptions()).isZero();
        for (NodeMetrics.StreamClosure reason : NodeMetrics.StreamClosure.values()) {
            assertThat(metrics.streamClosedTotal(reason)).as("a client's own close is not a drop: %s", reason).isZero();
        }
    }

    @Test
    void aConnectionPastTheNodeWideBoundIsClosedWith1013AndHoldsNoSlot() throws Exception {
        try (StreamClient first = new StreamClient(url); StreamClient second = new StreamClient(url)) {
            subscribed(first);
            subscribed(second);
            assertThat(hub.openConnections()).isEqualTo(MAX_CONNECTIONS);

            try (StreamClient third = new StreamClient(url)) {
                StreamClient.Closed closed = third.awaitClosed();
                assertThat(closed.code()).as("try again later").isEqualTo(1013);
                assertThat(closed.reason()).isEqualTo("the node serves at most " + MAX_CONNECTIONS
                        + " stream connections at once; try again later");
            }
            assertThat(metrics.streamClosedTotal(NodeMetrics.StreamClosure.CONNECTION_LIMIT)).isEqualTo(1);
            assertThat(hub.connections()).isEqualTo(MAX_CONNECTIONS);

            first.close();
            server.awaitValue(hub::openConnections, MAX_CONNECTIONS - 1);
            try (StreamClient again = new StreamClient(url)) {
                subscribed(again); // the closed connection's slot is free
                assertThat(hub.openConnections()).isEqualTo(MAX_CONNECTIONS);
            }
        }
        server.awaitValue(hub::openConnections, 0);
        assertThat(metrics.streamClosedTotal(NodeMetrics.StreamClosure.CONNECTION_LIMIT)).isEqualTo(1);
    }

    @Test
    void aConnectionThatFailsAndClosesReleasesItsSlotOnce() throws Exception {
        try (StreamClient oversized = new StreamClient(url)) {
            subscribed(oversized);
            oversized.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1,\"pad\":\""
                    + "x".repeat(StreamHub.MAX_REQUEST_BYTES) + "\"}");
            assertThat(oversized.awaitClosed().code()).isEqualTo(1009);
        }
        // Jetty reports this end twice, as a failure and then as a close; each releases the slot only if it still holds it.
        server.awaitValue(server::endEvents, 2);
        assertThat(hub.openConnections()).isZero();
        assertThat(metrics.streamClosedTotal(NodeMetrics.StreamClosure.MESSAGE_TOO_LARGE)).isEqualTo(1);

        // Released twice, the count would be -1 and let one connection past the bound.
        try (StreamClient a = new StreamClient(url); StreamClient b = new StreamClient(url)) {
            subscribed(a);
            subscribed(b);
            try (StreamClient c = new StreamClient(url)) {
                assertThat(c.awaitClosed().code()).isEqualTo(1013);
            }
            assertThat(hub.openConnections()).isEqualTo(MAX_CONNECTIONS);
        }
    }

    @Test
    void unsubscribingReleasesTheSubscriptionAndItsMessages() throws Exception {
        try (StreamClient client = new StreamClient(url)) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            client.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"alice\"}");
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"depth\",\"market\":1}");
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"trades\",\"market\":1}");
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"orders\",\"account\":\"alice\"}");
            for (int i = 0; i < 7; i++) { // 6 acks and the depth snapshot
                client.next();
            }
            assertThat(subscriptions()).isZero();
            assertThat(hub.connections()).isEqualTo(1);

            hub.publish(block(2, 3));
            // Handled after the block on the hub's one thread: had the block sent anything, it would come first.
            client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(client.next().path("op").asText()).isEqualTo("subscribed");
            assertThat(client.received()).isZero();
        }
    }

    @Test
    void anOrdersSubscriptionIsOneWhicheverCaseItsPublicKeyIsWrittenIn() throws Exception {
        String key = "00ab".repeat(16);
        String upper = key.toUpperCase(Locale.ROOT);
        try (StreamClient client = new StreamClient(url)) {
            for (String written : new String[] {key, upper}) {
                client.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + written + "\"}");
                JsonNode ack = client.next();
                assertThat(ack.path("op").asText()).isEqualTo("subscribed");
                assertThat(ack.path("account").asText()).as("the account's name: a public key in lower case").isEqualTo(key);
            }
            assertThat(subscriptions()).isEqualTo(1);
            client.send("{\"op\":\"unsubscribe\",\"channel\":\"orders\",\"account\":\"" + upper + "\"}");
            assertThat(client.next().path("account").asText()).isEqualTo(key);
            assertThat(subscriptions()).isZero();
            // Not a public key (63 hex digits): a name, taken as written.
            String name = upper.substring(1);
            client.send("{\"op\":\"subscribe\",\"channel\":\"orders\",\"account\":\"" + name + "\"}");
            assertThat(client.next().path("account").asText()).isEqualTo(name);
        }
    }
}
