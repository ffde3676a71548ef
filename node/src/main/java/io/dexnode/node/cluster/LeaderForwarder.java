package io.dexnode.node.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a transaction that reached a follower to the leader's API and hands back the leader's
 * answer unchanged. The forwarded request is marked, so a replica that no longer leads answers it
 * {@code not_leader} instead of forwarding it again (no loops during an election).
 */
public final class LeaderForwarder {
    /** The header that marks a forwarded transaction. */
    public static final String FORWARDED_HEADER = "X-Dexnode-Forwarded-By";
    /** A forwarded transaction waits at most this long for the leader's answer (its block's commit included). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    /** The leader's status and JSON body. */
    public record Answer(int status, String body) {
    }

    private final String self;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public LeaderForwarder(String self) {
        this.self = self;
    }

    /** Posts {@code body} to {@code leader}'s {@code path}; completes exceptionally when the leader cannot be reached. */
    public CompletableFuture<Answer> forward(ClusterPeer leader, String path, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + leader.httpAddress() + path))
                .timeout(ANSWER_TIMEOUT)
                .header("Content-Type", "application/json")
                .header(FORWARDED_HEADER, self)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }
}
