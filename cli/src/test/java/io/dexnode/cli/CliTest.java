package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.NodeConfig;
import io.dexnode.state.StateConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    private static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runRefusesMemoryFlagsOutOfRangeBeforeTouchingTheDataDirectory(@TempDir Path dir) {
        Path data = dir.resolve("data");
        assertRunRefuses(data, "--block-cache-mb", "0");
        assertRunRefuses(data, "--node-cache-keys", "-1");
    }

    @Test
    void runRefusesAStreamConnectionLimitBelowOne(@TempDir Path dir) {
        Path data = dir.resolve("data");
        assertRunRefuses(data, "--stream-connections", "0");
        String help = captureOut(() -> assertThat(Main.execute("run", "--help")).isZero());
        assertThat(help).contains("--stream-connections", "(default: " + NodeConfig.DEFAULT_STREAM_CONNECTIONS + ")");
        assertThat(NodeConfig.defaults(data).streamConnections()).isEqualTo(1024);
    }

    @Test
    void runNamesEachOutOfRangeFlagItRefuses(@TempDir Path dir) {
        Path data = dir.resolve("data");
        assertRunRefuses(data, "--check-every", "0");
        assertRunRefuses(data, "--block-ms", "-1");
        assertRunRefuses(data, "--block-txs", "0");
        assertRunRefuses(data, "--queue", "0");
        assertRunRefuses(data, "--keep-versions", "-1");
        assertRunRefuses(data, "--key-tables", "-1");
        assertRunRefuses(data, "--http", "127.0.0.1:70000");
        // one message per flag: a bad port does not blame --check-every, nor a bad --check-every the port
        CliRun port = CliRun.of("run", "--data", data.toString(), "--http", "127.0.0.1:70000");
        assertThat(port.err()).doesNotContain("--check-every", "--block-ms", "--queue");
        CliRun check = CliRun.of("run", "--data", data.toString(), "--check-every", "0");
        assertThat(check.err()).contains("--check-every >= 1, got 0").doesNotContain("port", "--http", "--queue");
    }

    /** {@code run} with {@code flag value} exits 2 naming the flag, before it creates the data directory. */
    private static void assertRunRefuses(Path data, String flag, String value) {
        CliRun run = CliRun.of("run", "--data", data.toString(), flag, value);
        assertThat(run.exit()).as("%s %s", flag, value).isEqualTo(2);
        assertThat(run.err()).contains(flag);
        assertThat(data).doesNotExist();
    }

    @Test
    void memoryFlagsReachTheStateStoreConfig() {
        NodeConfig config = NodeConfig.defaults(Path.of("data")).withMemory(64, 1000);
        assertThat(config.stateConfig().blockCacheBytes()).isEqualTo(64L << 20);
        assertThat(config.stateConfig().nodeCacheEntries()).isEqualTo(1000);
        // the defaults are the state store's own
        StateConfig defaults = NodeConfig.defaults(Path.of("data")).stateConfig();
        assertThat(defaults.blockCacheBytes()).isEqualTo(StateConfig.DEFAULT_BLOCK_CACHE_BYTES);
        assertThat(defaults.nodeCacheEntries()).isEqualTo(StateConfig.DEFAULT_NODE_CACHE_ENTRIES);
    }

    @Test
    void helpListsEveryCommand() {
        String help = captureOut(() -> assertThat(Main.execute("--help")).isZero());
        assertThat(help).contains("run", "replay", "book", "index", "jmt", "bench", "keygen", "tx");
    }

    private static final String MARKET = "{\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,"
            + "\"makerFeeBps\":2,\"takerFeeBps\":5,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500";

    private static String genesisWith(String... markets) {
        return "{\"chainId\":\"c\",\"markets\":[" + String.join(",", markets) + "]}";
    }

    @Test
    void aGenesisMarketTheEngineWouldRejectStopsRunBeforeTheDataDirectoryExists(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("genesis.json");
        Files.writeString(file, genesisWith(MARKET + ",\"maxOpenOrders\":0}"));
        CliRun run = CliRun.of("run", "--data", data.toString(), "--genesis", file.toString(), "--http", "127.0.0.1:0");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains(file.toString(), "market 0", "BTC-USD", "invalid_market", "maxOpenOrders")
                .doesNotContain("\n\tat ");
        assertThat(data).doesNotExist();
        // a second run is refused the same way: no chain at height 1 without its markets
        assertThat(CliRun.of("run", "--data", data.toString(), "--genesis", file.toString(), "--http", "127.0.0.1:0").exit())
                .isEqualTo(1);
        assertThat(data).doesNotExist();
    }
}
