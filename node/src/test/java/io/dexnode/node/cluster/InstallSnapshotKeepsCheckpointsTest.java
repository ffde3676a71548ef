package io.dexnode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica run with --checkpoints keeps its backups under its state directory; installing a
 * snapshot from the leader, which replaces that directory, keeps them (they were deleted with the
 * replaced state).
 */
class InstallSnapshotKeepsCheckpointsTest {
    @TempDir
    Path tmp;

    @Test
    void installingALeadersSnapshotKeepsTheReplicasCheckpoints() throws Exception {
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        // The "leader": a chain with a market, its Raft snapshot written.
        Path leaderDir = tmp.resolve("leader");
        Path raftSnapshot = tmp.resolve("snapshot-1-5");
        try (StateManager leaderState = StateManager.open(leaderDir, cfg)) {
            ReplaceableStore leaderStore = new ReplaceableStore(leaderState);
            Engine leader = new Engine(leaderStore);
            leader.rebuildOrderbookFromState();
            leader.executeBlock(1, 0, List.of(new Tx.CreateMarket(null, 0, new MarketParams(1, "T", 1, 1, 1, 0, 0, 1000, 500))));
            leader.executeBlock(2, 0, List.of(new Tx.Deposit("alice", 0, 10)));
            new ReplicaChain(leader, leaderStore, leaderDir, cfg, null, null, new NoSink(), ReplicaChain.Tamper.NONE)
                    .writeSnapshot(raftSnapshot);
        }

        // The replica: DATA/state with a checkpoint the operator relies on.
        Path stateDir = tmp.resolve("data").resolve("state");
        StateManager replicaState = StateManager.open(stateDir, cfg);
        ReplaceableStore store = new ReplaceableStore(replicaState);
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        engine.executeBlock(1, 0, List.of(new Tx.CreateMarket(null, 0, new MarketParams(1, "T", 1, 1, 1, 0, 0, 1000, 500))));
        Path checkpoint = stateDir.resolve("checkpoints").resolve("height-00000000000000000001");
        replicaState.checkpoint(checkpoint); // what Checkpoints.write(store, config.stateDir(), ...) leaves
        assertThat(checkpoint.resolve("CURRENT")).exists();

        ReplicaChain chain = new ReplicaChain(engine, store, stateDir, cfg, null, null, new NoSink(), ReplicaChain.Tamper.NONE);
        chain.installSnapshot(raftSnapshot, new RaftPosition(1, 5));
        assertThat(engine.height()).isEqualTo(2);
        try {
            assertThat(checkpoint.resolve("CURRENT")).as("the replica's checkpoint survives a snapshot install").exists();
        } finally {
            store.close();
        }
    }

    private static final class NoSink implements ReplicaChain.Sink {
        @Override
        public void committed(BlockEntry entry, BlockResult result) {
        }

        @Override
        public void skipped(BlockEntry entry) {
        }

        @Override
        public void replaced(RecoveryReport recovery) {
        }

        @Override
        public void diverged(long height, byte[] root, byte[] leaderRoot) {
        }

        @Override
        public void halted(String cause) {
        }
    }
}
