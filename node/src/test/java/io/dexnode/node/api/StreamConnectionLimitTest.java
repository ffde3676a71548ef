package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.node.TestNode;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node-wide bound on stream connections as a client of a real node sees it: the upgrade past it
 * is refused with the API's error shape, the refusal is counted, and a closed connection frees its slot.
 */
@Timeout(300)
class StreamConnectionLimitTest {
    private static final int LIMIT = 2;

    @Test
    void anUpgradePastTheLimitIsRefusedWith503InTheApiErrorShapeAndCounted() throws Exception {
        try (TestNode node = TestNode.dev(config -> config.withStreamConnections(LIMIT));
             StreamClient first = new StreamClient(node.url());
             StreamClient second = new StreamClient(node.url())) {
            subscribed(first);
            subscribed(second);
            assertThat(metrics(node)).contains("dexnode_stream_connections " + LIMIT + ".0",
                    "dexnode_stream_closed_total{reason=\"connection_limit\"} 0.0");

            HttpResponse<?> refused = StreamClient.refusedUpgrade(node.url());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode error = JsonViews.MAPPER.readTree(String.valueOf(refused.body()));
            assertThat(error.path("code").asText()).isEqualTo("overloaded");
            assertThat(error.path("message").asText())
                    .isEqualTo("the node serves at most " + LIMIT + " stream connections at once; try again later");
            assertThat(metrics(node)).contains("dexnode_stream_closed_total{reason=\"connection_limit\"} 1.0",
                    "dexnode_stream_connections " + LIMIT + ".0");

            first.close();
            awaitMetric(node, "dexnode_stream_connections " + (LIMIT - 1) + ".0");
            try (StreamClient again = new StreamClient(node.url())) {
                subscribed(again);
            }
        }
    }

    private static void subscribed(StreamClient client) throws InterruptedException {
        client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"market\":1}");
        assertThat(client.next().path("op").asText()).isEqualTo("subscribed");
    }

    private static String metrics(TestNode node) {
        return node.getResponse("/metrics").body();
    }

    /**
     * Polls /metrics until it shows {@code series}: a close reaches the node after the client has
     * sent it, and the gauge is what shows it. The 30 s bound only catches a hang.
     */
    private static void awaitMetric(TestNode node, String series) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!metrics(node).contains(series) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metrics(node)).contains(series);
    }
}
