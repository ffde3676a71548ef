package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.crypto.Ed25519;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as DESIGN.md §8 states it: where {@code run} listens, {@code keygen}'s output, {@code book --levels}, replay errors. */
@Timeout(300)
class CliContractTest {
    private static final String MARKET = "{\"type\":\"create_market\",\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,"
            + "\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":2,\"takerFeeBps\":5,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500}";

    @TempDir
    Path tmp;

    private static String place(String side, long price, long size) {
        return "{\"type\":\"place\",\"account\":\"alice\",\"market\":1,\"side\":\"" + side + "\",\"price\":" + price
                + ",\"size\":" + size + "}";
    }

    @Test
    void runListensOnLoopbackPort8080ByDefault() throws Exception {
        CommandLine run = new CommandLine(new Main()).getSubcommands().get("run");
        assertThat(run.getCommandSpec().findOption("--http").defaultValue()).isEqualTo("127.0.0.1:8080");
        NodeConfig defaults = NodeConfig.defaults(tmp.resolve("data"));
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8080);

        try (Node node = Node.start(defaults.withPort(0).withFsync(false).withGenesis(tmp.resolve("absent.json")),
                new Node.Options(h -> { }, (status, line) -> { }))) {
            assertThat(node.url()).isEqualTo("http://127.0.0.1:" + node.port());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port()), 5_000);
            }
            for (InetAddress external : nonLoopbackAddresses()) {
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(external, node.port()), 5_000);
                    }
                }).as("reachable on %s", external).isInstanceOf(ConnectException.class);
            }
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback()) {
                nif.inetAddresses().filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void keygenWithoutOutPrintsAKeyFileWhosePrivateKeySignsForThePublicKey() throws Exception {
        CliRun r = CliRun.of("keygen");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode key = new ObjectMapper().readTree(r.out());
        assertThat(key.fieldNames()).toIterable().containsExactly("publicKey", "privateKey");
        String pub = key.get("publicKey").asText();
        assertThat(pub).matches("[0-9a-f]{64}");

        PrivateKey priv = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(HexFormat.of().parseHex(key.get("privateKey").asText())));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(priv);
        byte[] message = "payload".getBytes(StandardCharsets.UTF_8);
        s.update(message);
        assertThat(Ed25519.verify(HexFormat.of().parseHex(pub), message, s.sign())).isTrue();
        assertThat(CliRun.of("keygen").out()).isNotEqualTo(r.out());
    }

    /** A key file is its owner's only, also when --force replaces a file others could read; no temporary file is left. */
    @Test
    void keygenOutIsReadableByItsOwnerOnlyEvenOverAWorldReadableFile(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("alice.json");
        Files.writeString(key, "old");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliRun r = CliRun.of("keygen", "--out", key.toString(), "--force");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).contains("\"publicKey\"");
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("alice.json");
        }
    }

    @Test
    void bookLevelsCutsEachSideToTheBestN() throws IOException {
        Path in = Files.write(tmp.resolve("blocks.jsonl"), List.of(
                "{\"height\":1,\"time\":1000,\"txs\":[" + MARKET + ",{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":100000000}]}",
                "{\"height\":2,\"time\":1001,\"txs\":[" + String.join(",", place("buy", 97, 1), place("buy", 99, 2),
                        place("buy", 98, 3), place("sell", 103, 4), place("sell", 101, 5), place("sell", 102, 6),
                        place("buy", 99, 7)) + "]}"));
        Path data = tmp.resolve("data");
        CliRun replay = CliRun.of("replay", "--in", in.toString(), "--data", data.toString(), "--no-fsync");
        assertThat(replay.exit()).as(replay.err()).isZero();

        CliRun two = CliRun.of("book", "--data", data.toString(), "--market", "1", "--levels", "2");
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out().trim()).isEqualTo("{\"market\":1,\"height\":2,\"bids\":[[99,9],[98,3]],\"asks\":[[101,5],[102,6]]}");
        CliRun all = CliRun.of("book", "--data", data.toString(), "--market", "1", "--levels", "100");
        assertThat(all.out().trim())
                .isEqualTo("{\"market\":1,\"height\":2,\"bids\":[[99,9],[98,3],[97,1]],\"asks\":[[101,5],[102,6],[103,4]]}");
        assertThat(CliRun.of("book", "--data", data.toString(), "--market", "1", "--levels", "0").exit()).isEqualTo(2);
    }

    @Test
    void replayOfAFileThatRepeatsAHeightStopsWithAClearErrorAfterTheGoodBlocks() throws IOException {
        Path in = Files.write(tmp.resolve("blocks.jsonl"), List.of(
                "{\"height\":1,\"time\":1000,\"txs\":[" + MARKET + "]}",
                "{\"height\":2,\"time\":1001,\"txs\":[]}",
                "{\"height\":2,\"time\":1002,\"txs\":[]}",
                "{\"height\":3,\"time\":1003,\"txs\":[]}"));
        CliRun r = CliRun.of("replay", "--in", in.toString(), "--data", tmp.resolve("data").toString(), "--no-fsync");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines().map(l -> l.split(" ")[0]).toList()).containsExactly("1", "2");
        assertThat(r.err()).contains("line 3", "block 2").doesNotContain("Exception");
    }

    @Test
    void bookOnAnEmptyDirectoryRefusesAndCreatesNothing() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("book", "--data", empty.toString(), "--market", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no state in");
        try (var left = Files.list(empty)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void toolsOnAStoreHeldByARunningNodeFailWithOneLine() throws IOException {
        Path data = tmp.resolve("data");
        Path in = Files.write(tmp.resolve("blocks.jsonl"), List.of("{\"height\":1,\"time\":1000,\"txs\":[" + MARKET + "]}"));
        try (io.dexnode.state.StateManager held = io.dexnode.state.StateManager.open(data,
                io.dexnode.state.StateConfig.defaults().withFsync(false))) {
            for (CliRun r : List.of(CliRun.of("book", "--data", data.toString(), "--market", "1"),
                    CliRun.of("replay", "--in", in.toString(), "--data", data.toString()))) {
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err()).startsWith("dexnode ").contains(data.toString()).doesNotContain("\tat ");
                assertThat(r.err().lines().count()).isEqualTo(1);
            }
        }
    }
}
