package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that start a transaction's body and then stall (or drip it a byte at a time) must not
 * take the node's API away from everyone else (each holds a blocked read, and a pool of request
 * threads would run out), nor the node's file descriptors (past {@code --max-connections} new
 * clients wait for a free connection).
 */
@Timeout(300)
class SlowSendersTest {
    private static final int STALLED = 400;

    @Test
    void hundredsOfStalledBodiesDoNotStopTheApiAnsweringOthers() throws Exception {
        try (TestNode node = TestNode.dev()) {
            URI uri = URI.create(node.url());
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    stalled.add(stall(uri));
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                // well inside the 30 s an idle connection is allowed, so the stalled ones are all still open
                HttpResponse<String> markets = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/v1/markets"))
                        .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(markets.statusCode()).isEqualTo(200);
                assertThat(markets.body()).contains("BTC-USD");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void pastMaxConnectionsANewClientWaitsUntilAConnectionCloses() throws Exception {
        int max = 20;
        try (TestNode node = TestNode.dev(c -> c.withMaxConnections(max))) {
            URI uri = URI.create(node.url());
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < max; i++) {
                    held.add(stall(uri));
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
                CompletableFuture<HttpResponse<String>> markets = http.sendAsync(
                        HttpRequest.newBuilder(URI.create(node.url() + "/v1/markets")).timeout(Duration.ofSeconds(60)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                Thread.sleep(1000);
                assertThat(markets).as("answered while %d connections were held", max).isNotDone();
                held.remove(0).close();
                assertThat(markets.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** A connection that has sent a transaction's headers and the start of its body, and then nothing. */
    private static Socket stall(URI uri) throws IOException {
        Socket s = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = s.getOutputStream();
        out.write("POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"pay".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }
}
