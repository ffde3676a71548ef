package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.schema.MarketParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class GenesisTest {

    @Test
    void embeddedSampleHasTheBtcUsdMarketAndNoAdmin() {
        Genesis g = Genesis.embedded();
        assertThat(g.chainId()).isEqualTo("dexnode-local");
        assertThat(g.admin()).isNull();
        assertThat(g.markets()).hasSize(1);
        MarketParams p = g.markets().get(0).params();
        assertThat(p).isEqualTo(new MarketParams(1, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500));
    }

    @Test
    void shippedConfigFileEqualsTheEmbeddedSample() throws Exception {
        Path shipped = Path.of(System.getProperty("user.dir")).resolveSibling("config").resolve("genesis.json");
        if (Files.exists(shipped)) {
            assertThat(Genesis.load(shipped)).isEqualTo(Genesis.embedded());
        }
    }

    @Test
    void missingFileFallsBackToTheSample(@TempDir Path dir) throws Exception {
        assertThat(Genesis.load(dir.resolve("nope.json"))).isEqualTo(Genesis.embedded());
    }

    @Test
    void badGenesisFilesNameTheProblem() {
        assertThatThrownBy(() -> Genesis.parse("{\"markets\":[]}", "g")).hasMessageContaining("chainId");
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"admin\":\"xyz\"}", "g")).hasMessageContaining("admin");
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"markets\":[{\"market\":1}]}", "g"))
                .hasMessageContaining("market 0");
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"color\":1}", "g")).hasMessageContaining("color");
    }

    @Test
    void oracleKeysAreReadChainWideAndPerMarketAndMustBeKeys() throws Exception {
        String key = "ab".repeat(32);
        String other = "cd".repeat(32);
        Genesis g = Genesis.parse("{\"chainId\":\"c\",\"oracle\":\"" + key.toUpperCase() + "\",\"markets\":[{\"market\":7,"
                + "\"symbol\":\"X\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":0,\"takerFeeBps\":0,"
                + "\"initialMarginBps\":1000,\"maintenanceMarginBps\":500,\"fundingIntervalBlocks\":100,"
                + "\"oracle\":\"" + other + "\"}]}", "g");
        assertThat(g.oracle()).isEqualTo(key);
        assertThat(g.marketOracles()).containsExactly(java.util.Map.entry(7, other));
        assertThat(g.markets().get(0).params().fundingIntervalBlocks()).isEqualTo(100);
        assertThat(Genesis.parse("{\"chainId\":\"c\"}", "g").oracle()).isNull();
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"oracle\":\"xyz\"}", "g")).hasMessageContaining("oracle");
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"oracle\":5}", "g")).hasMessageContaining("oracle");
    }

    @Test
    void requireChainIdIsOffUnlessTheGenesisTurnsItOnWithABoolean() throws Exception {
        assertThat(Genesis.embedded().requireChainId()).isFalse();
        assertThat(Genesis.parse("{\"chainId\":\"c\",\"requireChainId\":true}", "g").requireChainId()).isTrue();
        assertThat(Genesis.parse("{\"chainId\":\"c\",\"requireChainId\":false}", "g").requireChainId()).isFalse();
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"requireChainId\":\"yes\"}", "g"))
                .hasMessageContaining("requireChainId");
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"c\",\"requireChainId\":1}", "g"))
                .hasMessageContaining("requireChainId");
    }

    @Test
    void aKeyRepeatedInAGenesisFileIsRefusedNotReadAsItsLastValue() {
        assertThatThrownBy(() -> Genesis.parse("{\"chainId\":\"a\",\"chainId\":\"b\",\"markets\":[]}", "g"))
                .hasMessageContaining("chainId");
        assertThatThrownBy(() -> Genesis.parse(genesisWith(MARKET + ",\"market\":2}"), "g"))
                .hasMessageContaining("market");
    }

    private static final String MARKET = "{\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,"
            + "\"makerFeeBps\":2,\"takerFeeBps\":5,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500";

    private static String genesisWith(String... markets) {
        return "{\"chainId\":\"c\",\"markets\":[" + String.join(",", markets) + "]}";
    }

    @Test
    void genesisMarketsAreCheckedAsBlockOneWouldExecuteThem() {
        assertThatThrownBy(() -> Genesis.parse(genesisWith(MARKET + "}", MARKET + "}"), "g"))
                .hasMessageContaining("g: market 1").hasMessageContaining("market_exists");
        assertThatThrownBy(() -> Genesis.parse(genesisWith(MARKET.replace("\"initialMarginBps\":1000", "\"initialMarginBps\":400") + "}"), "g"))
                .hasMessageContaining("g: market 0").hasMessageContaining("invalid_market");
    }

    @Test
    void aBadGenesisLeavesAnExistingDataDirectoryAsItWas(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        NodeConfig config = NodeConfig.defaults(data).withPort(0).withGenesis(dir.resolve("absent.json")).withFsync(false);
        try (Node node = Node.start(config)) {
            assertThat(node.recovery()).isNotNull();
        }
        Path file = dir.resolve("genesis.json");
        Files.writeString(file, genesisWith(MARKET + ",\"maxOpenOrders\":0}"));
        List<String> before = listing(data);
        assertThatThrownBy(() -> Node.start(config.withGenesis(file))).hasMessageContaining("maxOpenOrders");
        assertThat(listing(data)).isEqualTo(before);
    }

    @Test
    void aRestartWithAGenesisFileThatIsNotTheChainsIsReportedAndTheStoredChainKept(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("genesis.json");
        Files.writeString(file, genesisWith(MARKET + "}"));
        NodeConfig config = NodeConfig.defaults(data).withPort(0).withGenesis(file).withFsync(false);
        try (Node node = Node.start(config)) {
            assertThat(node.genesisMatchesChain()).as("block 1 was made from this file").isTrue();
        }
        try (Node node = Node.start(config)) {
            assertThat(node.genesisMatchesChain()).as("the same file on a restart").isTrue();
        }
        Files.writeString(file, genesisWith(MARKET + "}", MARKET.replace("\"market\":1", "\"market\":2").replace("BTC", "ETH") + "}"));
        try (Node node = Node.start(config)) {
            assertThat(node.genesisMatchesChain()).as("a market added to the file later").isFalse();
            assertThat(new io.dexnode.node.client.NodeClient(node.url()).get("/v1/markets/2").status())
                    .as("the file's new market is not applied").isEqualTo(404);
        }
    }

    /** Every file under {@code dir} with its size and modification time. */
    private static List<String> listing(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.map(f -> {
                try {
                    return dir.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    void genesisMarketObjectsRefuseFieldsThatAreNotMarketFields() {
        for (String field : List.of("\"account\":\"alice\"", "\"nonce\":1", "\"type\":\"create_market\"", "\"color\":1")) {
            String name = field.substring(1, field.indexOf('"', 1));
            assertThatThrownBy(() -> Genesis.parse(genesisWith(MARKET + "}", MARKET.replace("\"market\":1", "\"market\":2") + "," + field + "}"), "g.json"))
                    .as(field).hasMessageContaining("g.json: market 1").hasMessageContaining("\"" + name + "\"");
        }
    }

    @Test
    void theShippedAndEmbeddedSamplesStillLoad() throws Exception {
        assertThat(Genesis.embedded().markets()).hasSize(1);
        Path shipped = Path.of(System.getProperty("user.dir")).resolveSibling("config").resolve("genesis.json");
        if (Files.exists(shipped)) {
            assertThat(Genesis.load(shipped).markets()).hasSize(1);
        }
    }
}
