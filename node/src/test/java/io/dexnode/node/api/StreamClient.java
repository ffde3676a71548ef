package io.dexnode.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client of {@code /v1/stream} that queues every JSON message it receives. */
final class StreamClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    StreamClient(String httpUrl) {
        URI uri = URI.create(httpUrl.replaceFirst("^http", "ws") + "/v1/stream");
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        messages.add(MAPPER.readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException("stream sent non-JSON: " + partial, e);
                    }
                    partial.setLength(0);
                }
                socket.request(1);
                return null;
            }
        }).join();
    }

    void send(String json) {
        ws.sendText(json, true).join();
    }

    /** The next message; fails the test if none arrives within a generous bound (a hang, not a timing check). */
    JsonNode next() throws InterruptedException {
        JsonNode m = messages.poll(30, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no stream message within 30 s");
        }
        return m;
    }

    /** The next message of {@code channel}, skipping others. */
    JsonNode next(String channel) throws InterruptedException {
        while (true) {
            JsonNode m = next();
            if (channel.equals(m.path("channel").asText()) && !m.has("op")) {
                return m;
            }
        }
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
