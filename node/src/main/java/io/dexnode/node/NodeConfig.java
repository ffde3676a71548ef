package io.dexnode.node;

import java.nio.file.Path;

/**
 * Everything a node is started with, in one place (the flags of {@code dexnode run}).
 *
 * @param data the data directory (RocksDB)
 * @param host the HTTP bind host
 * @param port the HTTP port; 0 picks an ephemeral one
 * @param genesis the genesis file; the embedded sample when it does not exist
 * @param dev a local faucet: any account may deposit to itself
 * @param blockMs the longest a transaction waits for its block to be cut
 * @param blockTxs the most transactions in one block
 * @param queue the most transactions waiting for a block; more are refused with 503
 * @param strict refuse to start when recovery finds inconsistencies (instead of repairing)
 * @param fsync fsync each block's commit
 * @param consistencyCheckBlocks run the book-vs-index consistency check every this many blocks
 * @param keepVersions keep this many recent state versions readable (older tree nodes and per-version
 *                     values are pruned in the background); 0 keeps every version
 */
public record NodeConfig(Path data, String host, int port, Path genesis, boolean dev, int blockMs, int blockTxs,
                         int queue, boolean strict, boolean fsync, int consistencyCheckBlocks,
                         long keepVersions) {
    /** The largest {@code POST /v1/tx} body accepted. */
    public static final int MAX_TX_BODY_BYTES = 64 * 1024;

    public NodeConfig {
        if (blockMs < 0 || blockTxs < 1 || queue < 1 || port < 0 || port > 65535 || consistencyCheckBlocks < 1
                || keepVersions < 0) {
            throw new IllegalArgumentException(
                    "need --block-ms >= 0, --block-txs >= 1, --queue >= 1, 0 <= port <= 65535, --keep-versions >= 0");
        }
    }

    public static NodeConfig defaults(Path data) {
        return new NodeConfig(data, "127.0.0.1", 8080, Path.of("config/genesis.json"), false, 5, 1000, 10_000,
                false, true, 1000, 0);
    }

    public NodeConfig withPort(int p) {
        return new NodeConfig(data, host, p, genesis, dev, blockMs, blockTxs, queue, strict, fsync, consistencyCheckBlocks, keepVersions);
    }

    public NodeConfig withDev(boolean d) {
        return new NodeConfig(data, host, port, genesis, d, blockMs, blockTxs, queue, strict, fsync, consistencyCheckBlocks, keepVersions);
    }

    public NodeConfig withQueue(int q) {
        return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, q, strict, fsync, consistencyCheckBlocks, keepVersions);
    }

    public NodeConfig withGenesis(Path g) {
        return new NodeConfig(data, host, port, g, dev, blockMs, blockTxs, queue, strict, fsync, consistencyCheckBlocks, keepVersions);
    }

    public NodeConfig withFsync(boolean f) {
        return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, queue, strict, f, consistencyCheckBlocks, keepVersions);
    }

    public NodeConfig withKeepVersions(long n) {
        return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, queue, strict, fsync, consistencyCheckBlocks, n);
    }

    public NodeConfig withStrict(boolean s) {
        return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, queue, s, fsync, consistencyCheckBlocks,
                keepVersions);
    }

    /** How the state store keeps old versions. */
    public io.dexnode.state.PruningConfig pruning() {
        return keepVersions == 0 ? io.dexnode.state.PruningConfig.keepAll() : io.dexnode.state.PruningConfig.keepLast(keepVersions);
    }

    public NodeConfig withConsistencyCheckBlocks(int n) {
        return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, queue, strict, fsync, n, keepVersions);
    }
}
