package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    void runRefusesMemoryFlagsOutOfRangeBeforeTouchingTheDataDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path data = dir.resolve("data");
        assertRunRefuses(data, "--block-cache-mb", "0");
        assertRunRefuses(data, "--node-cache-keys", "-1");
    }

    @Test
    void runRefusesAStreamConnectionLimitBelowOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path data = dir.resolve("data");
        assertRunRefuses(data, "--stream-connections", "0");
        String help = captureOut(() -> assertThat(Main.execute("run", "--help")).isZero());
        assertThat(help).contains("--stream-connections", "(default: " + NodeConfig.DEFAULT_STREAM_CONNECTIONS + ")");
        assertThat(NodeConfig.defaults(data).streamConnections()).isEqualTo(1024);
    }

    @Test
    void runNamesEachOutOfRangeFlagItRefuses(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path data = dir.resolve("data");
        assertRunRefuses(data, "--check-every", "0");
        assertRunRefuses(data, "--block-ms", "-1");
        assertRunRefuses(data, "--block-txs", "0");
        assertRunRefuses(data, "--queue", "0");
        assertRunRefuses(data, "--keep-versions", "-1");
        assertRunRefuses(data, "--http", "127.0.0.1:70000");
        // one message per flag: a bad port does not blame --check-every, nor a bad --check-every the port
        CliRun port = CliRun.of("run", "--data", data.toString(), "--http", "127.0.0.1:70000");
        assertThat(port.err()).doesNotContain("--check-every", "--block-ms", "--queue");
        CliRun check = CliRun.of("run", "--data", data.toString(), "--check-every", "0");
        assertThat(check.err()).contains("--check-every >= 1, got 0").doesNotContain("port", "--http", "--queue");
    }

    /** {@code run} with {@code flag value} exits 2 naming the flag, before it creates the data directory. */
    private static void assertRunRefuses(java.nio.file.Path data, String flag, String value) {
        CliRun run = CliRun.of("run", "--data", data.toString(), flag, value);
        assertThat(run.exit()).as("%s %s", flag, value).isEqualTo(2);
        assertThat(run.err()).contains(flag);
        assertThat(data).doesNotExist();
    }

    @Test
    void memoryFlagsReachTheStateStoreConfig() {
        NodeConfig config = NodeConfig.defaults(java.nio.file.Path.of("data")).withMemory(64, 1000);
        assertThat(config.stateConfig().blockCacheBytes()).isEqualTo(64L << 20);
        assertThat(config.stateConfig().nodeCacheEntries()).isEqualTo(1000);
        // the defaults are the state store's own
        io.dexnode.state.StateConfig defaults = NodeConfig.defaults(java.nio.file.Path.of("data")).stateConfig();
        assertThat(defaults.blockCacheBytes()).isEqualTo(io.dexnode.state.StateConfig.DEFAULT_BLOCK_CACHE_BYTES);
        assertThat(defaults.nodeCacheEntries()).isEqualTo(io.dexnode.state.StateConfig.DEFAULT_NODE_CACHE_ENTRIES);
    }

    @Test
    void helpListsEveryCommand() {
        String help = captureOut(() -> assertThat(Main.execute("--help")).isZero());
        assertThat(help).contains("run", "replay", "book", "index", "jmt", "bench", "keygen", "tx");
    }
}
