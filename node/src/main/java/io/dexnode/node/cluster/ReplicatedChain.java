package io.dexnode.node.cluster;

import java.nio.file.Path;

/**
 * The chain as the Raft state machine sees it: the node's engine and store behind it. Every method
 * runs on Ratis' one apply thread, between blocks, so none races another.
 */
public interface ReplicatedChain {
    /** The log position committed with the last block in state, or {@link RaftPosition#NONE}. */
    RaftPosition appliedPosition();

    /** The committed block height of the state. */
    long height();

    /**
     * Executes the committed {@code entry} at {@code at} and commits it durably, with {@code at},
     * in one atomic write; or decides, as every replica decides from the same log, that the entry is
     * stale and skips it.
     *
     * @throws ReplicaStoppedException if this replica must stop applying (its root differs from the
     *                                 leader's, or it is on another chain)
     */
    void apply(RaftPosition at, BlockEntry entry);

    /** Writes a complete copy of the committed state (store checkpoint and books) into {@code dir}, which does not exist. */
    void writeSnapshot(Path dir);

    /** The block height of the snapshot in {@code dir}. */
    long snapshotHeight(Path dir);

    /** Replaces the state with the snapshot in {@code dir} (taken at {@code at}) and rebuilds the books from it. */
    void installSnapshot(Path dir, RaftPosition at);
}
