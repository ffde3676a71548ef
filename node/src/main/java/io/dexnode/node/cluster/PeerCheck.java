package io.dexnode.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a replica joins, it asks every peer it can reach which chain it runs ({@code GET /v1/chain}):
 * one that names another chain id or genesis refuses the start with a clear message. A peer that
 * does not answer is skipped (it may not be up yet); the block entries' genesis hash catches what
 * this cannot.
 */
public final class PeerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private PeerCheck() {
    }

    /** @throws IllegalStateException if a reachable peer runs another chain */
    public static void refuseOtherChains(ClusterConfig config, ChainIdentity identity) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        for (ClusterPeer p : config.peers()) {
            if (p.id().equals(config.self())) {
                continue;
            }
            JsonNode chain;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + p.httpAddress() + "/v1/chain"))
                        .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                chain = MAPPER.readTree(r.body());
            } catch (java.io.IOException e) {
                LOG.debug("peer {} at {} did not answer: {}", p.id(), p.httpAddress(), e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String chainId = chain.path("chainId").asText();
            String genesis = chain.path("genesisHash").asText();
            if (!chainId.equals(identity.chainId()) || !genesis.equals(identity.genesisHex())) {
                throw new IllegalStateException("peer " + p.id() + " at " + p.httpAddress() + " runs chain \"" + chainId
                        + "\" with genesis " + genesis + ", and this node's genesis file gives chain \"" + identity.chainId()
                        + "\" with genesis " + identity.genesisHex() + ": every replica must start from the same genesis file");
            }
        }
    }
}
