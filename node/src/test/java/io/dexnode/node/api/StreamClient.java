package io.dexnode.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client of {@code /v1/stream} that queues every JSON message it receives. It can stop
 * reading (a slow consumer: no demand, so the socket backs up) and records how the server closed it.
 */
final class StreamClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How the server closed the connection. */
    record Closed(int code, String reason) {
    }

    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket ws;
    private volatile boolean paused;
    /** Notified on each ping from the server. */
    private final Object pings = new Object();
    private int pingsReceived;

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
                if (!paused) {
                    socket.request(1);
                }
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
                // The JDK answers with a pong; a paused client reads nothing, pings included, so answers none.
                synchronized (pings) {
                    pingsReceived++;
                    pings.notifyAll();
                }
                if (!paused) {
                    socket.request(1);
                }
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                closed.complete(new Closed(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /**
     * The answer to an upgrade the node refuses, as a client sees it (status, headers, body); fails
     * the test if the node accepts it instead.
     */
    static HttpResponse<?> refusedUpgrade(String httpUrl) {
        URI uri = URI.create(httpUrl.replaceFirst("^http", "ws") + "/v1/stream");
        try {
            WebSocket accepted = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { })
                    .get(30, TimeUnit.SECONDS);
            accepted.abort();
            throw new AssertionError("the node accepted the connection");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw new AssertionError("the upgrade failed, but not with an answer", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer to the upgrade within 30 s", e);
        }
    }

    void send(String json) {
        ws.sendText(json, true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Stops asking for messages: the server's writes back up once the socket buffers are full. */
    void pauseReading() {
        paused = true;
    }

    /** Reads again, from where it stopped. */
    void resumeReading() {
        paused = false;
        ws.request(1);
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

    /** Waits until the server has sent {@code count} pings in all; fails the test if that takes 30 s (a hang, not a timing check). */
    void awaitPings(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (pings) {
            for (long left = deadline - System.nanoTime(); pingsReceived < count && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(pings, left);
            }
            if (pingsReceived < count) {
                throw new AssertionError("only " + pingsReceived + " of " + count + " pings within 30 s");
            }
        }
    }

    /** True until the server's close frame or a failure has been seen. */
    boolean open() {
        return !closed.isDone();
    }

    /** Messages received and not yet taken. */
    int received() {
        return messages.size();
    }

    /** Waits for the server's close frame (reading everything before it); fails the test after 30 s. */
    Closed awaitClosed() throws Exception {
        return closed.get(30, TimeUnit.SECONDS);
    }

    /** Drops the TCP connection without a close frame. */
    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (ws.isOutputClosed() || ws.isInputClosed()) {
            ws.abort();
            return;
        }
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(30, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            ws.abort(); // the server closed first
        }
    }
}
