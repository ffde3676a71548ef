package io.dexnode.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.node.crypto.Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client of the node's REST API for the CLI helpers, the API benchmark and tests: GETs,
 * signed submissions, and the account's next nonce. Thread-safe.
 */
public final class NodeClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A response: HTTP status and the parsed JSON body (null if the body is not JSON). */
    public record Response(int status, JsonNode json, String body) {
        public boolean ok() {
            return status == 200;
        }
    }

    private final String base;
    private final HttpClient http;

    public NodeClient(String baseUrl) {
        this(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public NodeClient(String baseUrl, HttpClient http) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = http;
    }

    public String baseUrl() {
        return base;
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /** Posts a raw body to {@code /v1/tx}. */
    public Response postTx(String body) throws IOException, InterruptedException {
        return send(txRequest(body));
    }

    public HttpRequest txRequest(String body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/tx")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Signs {@code payload} (a transaction's JSON) with {@code signer} and submits it. */
    public Response submit(Signer signer, String payload) throws IOException, InterruptedException {
        return postTx(signer.envelope(payload));
    }

    /** The account's last used nonce; 0 when the account does not exist yet. */
    public long lastNonce(String account) throws IOException, InterruptedException {
        Response r = get("/v1/accounts/" + account);
        if (r.status() == 404) {
            return 0;
        }
        if (!r.ok() || r.json() == null) {
            throw new IOException("GET /v1/accounts/" + account + " answered " + r.status() + ": " + r.body());
        }
        return r.json().path("lastNonce").asLong();
    }

    /** The node's chain id ({@code GET /v1/chain}), for a payload's {@code "chainId"}. */
    public String chainId() throws IOException, InterruptedException {
        Response r = get("/v1/chain");
        if (!r.ok() || r.json() == null || !r.json().path("chainId").isTextual()) {
            throw new IOException("GET /v1/chain answered " + r.status() + ": " + r.body());
        }
        return r.json().get("chainId").asText();
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), parse(r.body()), r.body());
    }

    public static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
