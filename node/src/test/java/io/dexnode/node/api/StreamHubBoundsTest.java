package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.Side;
import io.dexnode.engine.Fill;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.Trade;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import io.javalin.Javalin;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one stream connection may hold of the node: a {@link StreamHub} behind the same routes as
 * {@link ApiServer}, fed made-up blocks, so a test controls how much the hub sends and when its
 * thread is busy.
 */
class StreamHubBoundsTest {
    private static final MarketParams MARKET = new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);

    /** Set to hold the hub's thread in its next state read (an orders subscription) until counted down. */
    private volatile CountDownLatch stateReadsHeld;
    private StreamHub hub;
    private Javalin server;
    private String url;

    @BeforeEach
    void start() {
        StateStore memory = new InMemoryStateStore();
        StateStore store = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    CountDownLatch held = stateReadsHeld;
                    if (held != null && (method.getName().equals("get") || method.getName().equals("getDurable"))) {
                        held.await();
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        hub = new StreamHub(marketData(1), new StateQueries(store));
        server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.ws("/v1/stream", ws -> {
                ws.onConnect(hub::connected);
                ws.onMessage(ctx -> hub.message(ctx, ctx.message()));
                ws.onClose(hub::closed);
                ws.onError(hub::closed);
            });
        }).start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        CountDownLatch held = stateReadsHeld;
        if (held != null) {
            held.countDown();
        }
        server.stop();
        hub.close();
    }

    private static MarketData marketData(long height) {
        MarketView view = new MarketView(MARKET, height, new long[0][], new long[0][], 0, List.of());
        TreeMap<Integer, MarketView> markets = new TreeMap<>();
        markets.put(1, view);
        return new MarketData(height, markets);
    }

    /** A block with {@code fills} trades in market 1 (about 230 characters of JSON each) and one changed level. */
    private static BlockEvents block(long height, int fills) {
        List<Trade> trades = new ArrayList<>();
        for (int i = 0; i < fills; i++) {
            trades.add(new Trade(height, height * 1_000, new Fill(1, 1_000_000 + i, 7, 2_000_000 + i, 8, Side.BUY,
                    100_000 + i, 1 + i, 10, 20)));
        }
        TreeMap<Integer, BlockEvents.DepthChange> depth = new TreeMap<>();
        depth.put(1, new BlockEvents.DepthChange(new long[][] {{100_000, 0}}, new long[0][]));
        TreeMap<Integer, List<Trade>> byMarket = new TreeMap<>();
        byMarket.put(1, trades);
        return new BlockEvents(height, height * 1_000, depth, byMarket, List.of(), marketData(height));
    }

    /** Waits for {@code value} to reach {@code expected}; the bound only catches a hang (as long as the stream client's). */
    private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (value.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(value.getAsInt()).isEqualTo(expected);
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
        awaitValue(hub::connections, 0);
        assertThat(subscriptions()).isZero();
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
}
