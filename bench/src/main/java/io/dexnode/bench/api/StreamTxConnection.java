package io.dexnode.bench.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection to {@code /v1/stream} that sends signed transactions as
 * {@code {"op":"tx","id":…,"tx":…}} and completes each one's future with the status of its
 * {@code tx_result}, counting the refusals it lists ({@link Refusals}). Any number may wait for answers; sends are one at a time (the JDK's
 * WebSocket allows one outstanding send), from one thread.
 */
final class StreamTxConnection implements AutoCloseable {
    private final WebSocket ws;
    private final Map<String, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();
    private final Refusals refusals;

    StreamTxConnection(HttpClient client, URI base, Refusals refusals) {
        this.refusals = refusals;
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "/v1/stream");
        this.ws = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                if (last && partial.isEmpty()) {
                    answered(data);
                } else {
                    partial.append(data);
                    if (last) {
                        answered(partial);
                        partial.setLength(0);
                    }
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                failAll(new IllegalStateException("the stream closed: " + statusCode + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                failAll(error);
            }
        }).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The message that carries {@code envelope} under {@code id}: built before the clock starts. */
    static String message(String id, String envelope) {
        return "{\"op\":\"tx\",\"id\":\"" + id + "\",\"tx\":" + envelope + "}";
    }

    /** Sends a message built by {@link #message} for {@code id}; the future completes with the answer's status. */
    CompletableFuture<Integer> send(String id, String message) {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        ws.sendText(message, true).orTimeout(30, TimeUnit.SECONDS).join();
        return answer;
    }

    /**
     * A {@code tx_result} reads {@code {"op":"tx_result","id":"<id>","status":<n>,…}}: the node writes
     * those three first, so they are found without parsing the rest. Other messages are ignored.
     */
    private void answered(CharSequence text) {
        String s = text.toString();
        if (!s.startsWith("{\"op\":\"tx_result\",\"id\":\"")) {
            return;
        }
        int idStart = 24;
        int idEnd = s.indexOf('"', idStart);
        int statusAt = s.indexOf("\"status\":", idEnd) + 9;
        int statusEnd = statusAt;
        while (statusEnd < s.length() && Character.isDigit(s.charAt(statusEnd))) {
            statusEnd++;
        }
        CompletableFuture<Integer> answer = waiting.remove(s.substring(idStart, idEnd));
        if (answer != null) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            refusals.scan(bytes, 0, bytes.length);
            answer.complete(Integer.parseInt(s.substring(statusAt, statusEnd)));
        }
    }

    private void failAll(Throwable cause) {
        waiting.values().forEach(f -> f.completeExceptionally(cause));
        waiting.clear();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
