package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode index verify|rebuild} on a data directory whose index lost an entry. */
class IndexCliTest {
    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** A data directory {@code name} replayed to height 2: a market and alice's two resting bids (orders 1 and 2). */
    private Path twoBidsReplayed(String name) throws Exception {
        Path data = tmp.resolve(name);
        Path blocks = Files.write(tmp.resolve(name + ".jsonl"), List.of(
                "{\"height\":1,\"time\":1,\"txs\":[{\"type\":\"create_market\",\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,"
                        + "\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":0,\"takerFeeBps\":0,\"initialMarginBps\":1000,"
                        + "\"maintenanceMarginBps\":500},{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":100000}]}",
                "{\"height\":2,\"time\":2,\"txs\":[{\"type\":\"place\",\"account\":\"alice\",\"market\":1,\"side\":\"buy\","
                        + "\"price\":100,\"size\":5},{\"type\":\"place\",\"account\":\"alice\",\"market\":1,\"side\":\"buy\","
                        + "\"price\":99,\"size\":5}]}"));
        assertThat(cli("replay", "--in", blocks.toString(), "--data", data.toString()).exit()).isZero();
        return data;
    }

    @Test
    void verifyFindsALostIndexEntryRebuildRestoresItAndVerifyThenPasses() throws Exception {
        Path data = twoBidsReplayed("data");
        CliRun clean = cli("index", "verify", "--data", data.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("index consistent: 2 active orders");

        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            WriteSet ws = new WriteSet();
            ws.delete(new StateKey.ActiveOrder(1, 2).encode());
            store.commit(store.latestVersion() + 1, ws, null);
        }
        CliRun broken = cli("index", "verify", "--data", data.toString());
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).contains("orphaned_active_order 1 order(s) [2]");

        // book only reads: it reports the state needs repair and commits nothing
        CliRun refused = cli("book", "--data", data.toString(), "--market", "1");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("needs repair", "orphaned_active_order", "index rebuild");
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            assertThat(store.latestVersion()).as("no repair block from book").isEqualTo(3);
        }

        CliRun rebuilt = cli("index", "rebuild", "--data", data.toString());
        assertThat(rebuilt.exit()).as(rebuilt.err()).isZero();
        assertThat(rebuilt.out()).contains("index rebuilt in block 4");
        assertThat(cli("index", "verify", "--data", data.toString()).exit()).isZero();
        assertThat(cli("book", "--data", data.toString(), "--market", "1").out()).contains("\"bids\":[[100,5],[99,5]]");
    }

    @Test
    void unknownActionOrMissingDirectoryIsRefused() {
        assertThat(cli("index", "fix", "--data", tmp.toString()).exit()).isEqualTo(2);
        assertThat(cli("index", "verify", "--data", tmp.resolve("none").toString()).err()).contains("no data directory");
    }

    /**
     * A state whose count of resting orders is all that is wrong (the node's consistency check fails
     * on it) is inconsistent to {@code index verify} and repaired by {@code index rebuild} — verify once
     * passed it and rebuild wrote nothing, while the node stayed unready.
     */
    @Test
    void aWrongRestingCountAloneIsFoundAndRepaired() throws Exception {
        Path data = twoBidsReplayed("count");
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            byte[] key = new StateKey.Counters().encode();
            CountersRecord c = CountersRecord.decode(store.get(key));
            WriteSet ws = new WriteSet();
            ws.put(key, c.withActiveOrders(c.activeOrders() + 3).encode());
            store.commit(store.latestVersion() + 1, ws, null);
        }

        CliRun verify = cli("index", "verify", "--data", data.toString());
        assertThat(verify.exit()).as(verify.out()).isEqualTo(1);
        assertThat(verify.out()).contains("index inconsistent: resting_count: state counted 5 resting orders");
        CliRun rebuild = cli("index", "rebuild", "--data", data.toString());
        assertThat(rebuild.exit()).isZero();
        assertThat(rebuild.out()).contains("index rebuilt in block 4");
        assertThat(cli("index", "verify", "--data", data.toString()).exit()).isZero();
        try (StateManager store = StateManager.open(data, StateConfig.defaults())) {
            Engine engine = new Engine(store);
            engine.recover(RecoveryOptions.fromState());
            assertThat(engine.consistencyProblem()).as("the node's check").isNull();
        }
    }
}
