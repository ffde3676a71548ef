package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.MarketData;
import io.dexnode.node.producer.MarketView;
import io.dexnode.state.InMemoryStateStore;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stream's keep-alive, with a short ping period and idle timeout: a client that only listens
 * stays connected on a market where nothing happens, and a peer that stops answering is closed.
 */
@Timeout(300)
class StreamKeepAliveTest {
    private static final MarketParams MARKET = new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);
    private static final Duration PING_INTERVAL = Duration.ofMillis(250);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(2_500); // a pong held up this long by a loaded machine would fail the listening test

    private StreamHub hub;
    private NodeMetrics metrics;
    private HubServer server;
    private String url;
    /** Notified after the hub is told of each close or failure, so a test waits for those events, not for time. */
    @BeforeEach
    void start() {
        MarketView view = new MarketView(MARKET, 1, new long[0][], new long[0][], 0);
        TreeMap<Integer, MarketView> markets = new TreeMap<>();
        markets.put(1, view);
        metrics = new NodeMetrics(() -> 0, List::of, () -> hub.openConnections());
        hub = new StreamHub(new MarketData(1, markets), new StateQueries(new InMemoryStateStore()), 4, metrics,
                PING_INTERVAL, IDLE_TIMEOUT);
        server = new HubServer(hub);
        url = server.url();
    }

    @AfterEach
    void stop() {
        server.close();
        hub.close();
    }

    @Test
    void aClientThatOnlyListensOnAQuietMarketIsPingedAndStaysConnected() throws Exception {
        // Pings spanning three idle timeouts: without them, the connection would be closed at the first.
        int pings = (int) (3 * IDLE_TIMEOUT.toMillis() / PING_INTERVAL.toMillis());
        try (StreamClient listener = new StreamClient(url)) {
            listener.send("{\"op\":\"subscribe\",\"channel\":\"depth\",\"market\":1}");
            listener.next("depth"); // the snapshot; then nothing, as no block comes
            listener.awaitPings(pings);

            assertThat(listener.open()).as("not closed while it answered the pings").isTrue();
            assertThat(hub.connections()).isEqualTo(1);
            listener.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
            assertThat(listener.next().path("op").asText()).isEqualTo("subscribed");
        }
        for (NodeMetrics.StreamClosure reason : NodeMetrics.StreamClosure.values()) {
            assertThat(metrics.streamClosedTotal(reason)).as("%s", reason).isZero();
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsClosedAndReleasesItsSlot() throws Exception {
        try (Socket peer = new Socket("127.0.0.1", server.port())) {
            // A handshake, then nothing: no reads, so no pongs, while its socket buffers take the pings.
            OutputStream out = peer.getOutputStream();
            out.write(("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            peer.setSoTimeout(30_000);
            InputStream in = peer.getInputStream();
            String response = readHeaders(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            // Only lasting facts are awaited: the connection is open for just the idle timeout, which
            // a test thread held off the CPU on a loaded machine could miss entirely.
            server.awaitValue(() -> (int) metrics.streamClosedTotal(NodeMetrics.StreamClosure.UNRESPONSIVE), 1);
            server.awaitValue(hub::openConnections, 0);
            assertThat(hub.connections()).isZero();

            // What it was sent, read now: pings, then a close frame with 1001.
            DataInputStream frames = new DataInputStream(in);
            int pings = 0;
            while (true) {
                int opcode = frames.readUnsignedByte() & 0x0f;
                byte[] payload = new byte[frames.readUnsignedByte() & 0x7f];
                frames.readFully(payload);
                if (opcode == 0x9) {
                    pings++;
                    continue;
                }
                assertThat(opcode).as("a close frame").isEqualTo(0x8);
                assertThat(((payload[0] & 0xff) << 8) | (payload[1] & 0xff)).isEqualTo(1001);
                assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)).startsWith("no answer to pings");
                break;
            }
            assertThat(pings).isPositive();
        }
    }

    private static String readHeaders(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection ended during the handshake: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
