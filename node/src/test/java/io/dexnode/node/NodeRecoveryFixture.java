package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.nio.file.Path;

/** What the node recovery tests share: a --dev node's config in a directory, and two resting orders. */
final class NodeRecoveryFixture {
    private NodeRecoveryFixture() {
    }

    /** A --dev node (faucet) over {@code dir}/data on an ephemeral port, no genesis file, no fsync. */
    static NodeConfig devConfig(Path dir) {
        return NodeConfig.defaults(dir.resolve("data")).withPort(0).withDev(true)
                .withGenesis(dir.resolve("absent.json")).withFsync(false);
    }

    /** Funds two new accounts and places a bid at 99 and an ask at 101 (they do not cross); returns the ask's id. */
    static long placeBidAndAsk(Node node) throws Exception {
        NodeClient c = new NodeClient(node.url());
        Signer a = Signer.generate();
        Signer b = Signer.generate();
        assertThat(c.submit(a, tx(a, 1, "\"type\":\"deposit\",\"amount\":1000000")).ok()).isTrue();
        assertThat(c.submit(b, tx(b, 1, "\"type\":\"deposit\",\"amount\":1000000")).ok()).isTrue();
        assertThat(c.submit(a, tx(a, 2, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":4")).ok()).isTrue();
        NodeClient.Response ask = c.submit(b, tx(b, 2, "\"type\":\"place\",\"market\":1,\"side\":\"sell\",\"price\":101,\"size\":3"));
        assertThat(ask.ok()).as(ask.body()).isTrue();
        return ask.json().path("orderId").asLong();
    }

    private static String tx(Signer s, long nonce, String body) {
        return "{\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + "," + body + "}";
    }
}
