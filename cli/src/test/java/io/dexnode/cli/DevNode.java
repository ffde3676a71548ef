package io.dexnode.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.Genesis;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.testsupport.TemporaryDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A {@code --dev} node (faucet on) on an ephemeral loopback port over a temporary directory, for
 * the commands that talk to a running node; its genesis is the built-in sample, optionally changed.
 */
final class DevNode implements AutoCloseable {
    private final TemporaryDirectory dir;
    private final Node node;

    private DevNode(TemporaryDirectory dir, Node node) {
        this.dir = dir;
        this.node = node;
    }

    static DevNode start() throws IOException {
        return withGenesis(g -> { });
    }

    /** A node whose genesis is the sample with {@code change} applied to its JSON object. */
    static DevNode withGenesis(Consumer<ObjectNode> change) throws IOException {
        TemporaryDirectory dir = TemporaryDirectory.create("dexnode-cli-test");
        try {
            ObjectNode genesis;
            try (InputStream sample = Genesis.class.getResourceAsStream(Genesis.EMBEDDED)) {
                genesis = (ObjectNode) new ObjectMapper().readTree(sample);
            }
            change.accept(genesis);
            Path file = Files.writeString(dir.path().resolve("genesis.json"), genesis.toString());
            NodeConfig config = NodeConfig.defaults(dir.path().resolve("data")).withPort(0).withDev(true).withGenesis(file)
                    .withFsync(false);
            return new DevNode(dir, Node.start(config));
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    String url() {
        return node.url();
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            dir.close();
        }
    }
}
