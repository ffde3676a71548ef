package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.schema.MarketParams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
