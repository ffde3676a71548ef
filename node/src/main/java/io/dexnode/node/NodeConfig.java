package io.dexnode.node;

import io.dexnode.node.cluster.ClusterConfig;
import io.dexnode.node.cluster.ClusterPeer;
import io.dexnode.state.PruningConfig;
import io.dexnode.state.StateConfig;
import java.nio.file.Path;
import java.util.function.Consumer;

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
 * @param blockCacheMb RocksDB's block cache, in MiB
 * @param nodeCacheKeys how many keys' worth of the latest tree to keep in memory (see
 *                      {@link StateConfig#nodeCacheEntries()}); 0 reads every path from RocksDB
 * @param streamConnections the most WebSocket stream connections served at once; more are refused
 *                          (each one's own share of the node is bounded by the stream, see StreamHub)
 * @param maxConnections the most TCP connections the HTTP server holds at once, stream ones included;
 *                       past it the server stops accepting until one closes (new ones wait in the
 *                       OS backlog), so clients cannot take the file descriptors RocksDB needs
 * @param checkpoints keep this many checkpoints (backups of the data directory, see {@link Checkpoints}),
 *                    one written after each passing consistency check; 0 writes none
 * @param archiveRetentionBlocks keep the archive's records of the last this many blocks (older ones
 *                               are deleted after a passing consistency check; trades, fills and the
 *                               state are kept); 0 keeps the whole archive
 * @param cluster this node as one replica of a cluster ({@code --node-id}, {@code --peers}), or null
 *                for a single node; a replica keeps its state in {@code data/state} and its Raft
 *                log and snapshots in {@code data/raft}
 */
public record NodeConfig(Path data, String host, int port, Path genesis, boolean dev, int blockMs, int blockTxs,
                         int queue, boolean strict, boolean fsync, int consistencyCheckBlocks,
                         long keepVersions, long blockCacheMb, int nodeCacheKeys, int streamConnections,
                         int maxConnections, int checkpoints, long archiveRetentionBlocks, ClusterConfig cluster) {
    /**
     * The default group-commit window, in milliseconds, as the design fixes it: a transaction waits
     * at most this long for its block to be cut (blocks are pipelined: the next one fills while this
     * one's write and fsync run). Measured against 2 ms (docs/BENCHMARKS.md, "the block window"):
     * with 2 ms, 64 clients sending one order each got 6,301–6,311 orders/s instead of 4,858–5,389
     * (that closed loop waits on latency, not on the cores) and the open loop's median latency
     * halved, batches of 20 unchanged, at up to 2.5 times the blocks per second at low rates, each
     * with its own root, block record and fsync. {@code --block-ms 2} is there for operators who
     * want it; changing the default is the design's decision.
     */
    public static final int DEFAULT_BLOCK_MS = 5;

    /** The largest {@code POST /v1/tx} body accepted. */
    public static final int MAX_TX_BODY_BYTES = 64 * 1024;
    /** The largest block cache {@code --block-cache-mb} accepts: 1 TiB, far past any machine this runs on. */
    public static final long MAX_BLOCK_CACHE_MB = 1L << 20;
    /**
     * Stream connections served at once by default: far more than one node's readers need, and few
     * enough that the stream's per-connection bounds, times this, still bound what clients that all
     * stall at once can make the node hold.
     */
    public static final int DEFAULT_STREAM_CONNECTIONS = 1024;
    /** TCP connections held at once by default: room for every stream connection and as many more requests. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    public NodeConfig {
        atLeast("--block-ms", blockMs, 0);
        atLeast("--block-txs", blockTxs, 1);
        atLeast("--queue", queue, 1);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("need an --http port from 0 to 65535, got " + port);
        }
        atLeast("--check-every", consistencyCheckBlocks, 1);
        atLeast("--keep-versions", keepVersions, 0);
        if (blockCacheMb < 1 || blockCacheMb > MAX_BLOCK_CACHE_MB) {
            throw new IllegalArgumentException("need 1 <= --block-cache-mb <= " + MAX_BLOCK_CACHE_MB + ", got " + blockCacheMb);
        }
        atLeast("--node-cache-keys", nodeCacheKeys, 0);
        atLeast("--stream-connections", streamConnections, 1);
        atLeast("--max-connections", maxConnections, 1);
        atLeast("--checkpoints", checkpoints, 0);
        atLeast("--archive-retention-blocks", archiveRetentionBlocks, 0);
        if (cluster != null) {
            ClusterPeer self = cluster.selfPeer();
            if (!host.equals(self.host()) || port != self.httpPort()) {
                throw new IllegalArgumentException("--http " + host + ":" + port + " disagrees with this node's --peers entry "
                        + self.id() + "=" + self.host() + ":" + self.raftPort() + ":" + self.httpPort()
                        + " (a replica serves HTTP on its own entry's host and httpPort; leave --http out)");
            }
        }
    }

    /** Whether this node is one replica of a cluster. */
    public boolean clustered() {
        return cluster != null;
    }

    /** Where the state store lives: the data directory itself for a single node, {@code data/state} for a replica. */
    public Path stateDir() {
        return cluster == null ? data : data.resolve("state");
    }

    /** A replica's Raft log and snapshots. */
    public Path raftDir() {
        return data.resolve("raft");
    }

    /** Each out-of-range value is refused naming its own flag, as {@code dexnode run} spells it. */
    private static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException("need " + flag + " >= " + min + ", got " + value);
        }
    }

    public static NodeConfig defaults(Path data) {
        return new NodeConfig(data, "127.0.0.1", 8080, Path.of("config/genesis.json"), false, DEFAULT_BLOCK_MS, 1000, 10_000,
                false, true, 1000, 0, StateConfig.DEFAULT_BLOCK_CACHE_BYTES >> 20, StateConfig.DEFAULT_NODE_CACHE_ENTRIES,
                DEFAULT_STREAM_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 0, 0, null);
    }

    /** How the state store keeps old versions. */
    public PruningConfig pruning() {
        return keepVersions == 0 ? PruningConfig.keepAll() : PruningConfig.keepLast(keepVersions);
    }

    /**
     * The state store's configuration: durability, history and memory as the flags say. A cluster
     * replica's store does not fsync each block: the Raft log, fsynced by a majority before a block
     * is acknowledged, makes it durable, and after a machine crash the replica applies again from
     * the log what its store lost (each block carries its log position).
     */
    public StateConfig stateConfig() {
        return StateConfig.defaults().withFsync(fsync && cluster == null).withPruning(pruning())
                .withBlockCacheBytes(blockCacheMb << 20).withNodeCacheEntries(nodeCacheKeys);
    }

    public NodeConfig withData(Path d) {
        return copy(b -> b.data = d);
    }

    public NodeConfig withPort(int p) {
        return copy(b -> b.port = p);
    }

    public NodeConfig withDev(boolean d) {
        return copy(b -> b.dev = d);
    }

    public NodeConfig withQueue(int q) {
        return copy(b -> b.queue = q);
    }

    public NodeConfig withGenesis(Path g) {
        return copy(b -> b.genesis = g);
    }

    public NodeConfig withFsync(boolean f) {
        return copy(b -> b.fsync = f);
    }

    public NodeConfig withKeepVersions(long n) {
        return copy(b -> b.keepVersions = n);
    }

    public NodeConfig withStrict(boolean s) {
        return copy(b -> b.strict = s);
    }

    public NodeConfig withMemory(long cacheMb, int cacheKeys) {
        return copy(b -> {
            b.blockCacheMb = cacheMb;
            b.nodeCacheKeys = cacheKeys;
        });
    }

    public NodeConfig withBlocks(int ms, int txs) {
        return copy(b -> {
            b.blockMs = ms;
            b.blockTxs = txs;
        });
    }

    public NodeConfig withStreamConnections(int n) {
        return copy(b -> b.streamConnections = n);
    }

    public NodeConfig withMaxConnections(int n) {
        return copy(b -> b.maxConnections = n);
    }

    public NodeConfig withCheckpoints(int keep) {
        return copy(b -> b.checkpoints = keep);
    }

    /** This node as a replica of {@code c}, serving HTTP on its own peer entry's address. */
    public NodeConfig withCluster(ClusterConfig c) {
        return copy(b -> {
            b.cluster = c;
            if (c != null) {
                b.host = c.selfPeer().host();
                b.port = c.selfPeer().httpPort();
            }
        });
    }

    public NodeConfig withArchiveRetentionBlocks(long n) {
        return copy(b -> b.archiveRetentionBlocks = n);
    }

    public NodeConfig withConsistencyCheckBlocks(int n) {
        return copy(b -> b.consistencyCheckBlocks = n);
    }

    /** This configuration with {@code change} applied, checked again as any new one is. */
    private NodeConfig copy(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.toConfig();
    }

    /** The record's components, mutable, so that each {@code withX} names only what it changes. */
    private static final class Fields {
        Path data;
        String host;
        int port;
        Path genesis;
        boolean dev;
        int blockMs;
        int blockTxs;
        int queue;
        boolean strict;
        boolean fsync;
        int consistencyCheckBlocks;
        long keepVersions;
        long blockCacheMb;
        int nodeCacheKeys;
        int streamConnections;
        int maxConnections;
        int checkpoints;
        ClusterConfig cluster;
        long archiveRetentionBlocks;

        Fields(NodeConfig c) {
            data = c.data;
            host = c.host;
            port = c.port;
            genesis = c.genesis;
            dev = c.dev;
            blockMs = c.blockMs;
            blockTxs = c.blockTxs;
            queue = c.queue;
            strict = c.strict;
            fsync = c.fsync;
            consistencyCheckBlocks = c.consistencyCheckBlocks;
            keepVersions = c.keepVersions;
            blockCacheMb = c.blockCacheMb;
            nodeCacheKeys = c.nodeCacheKeys;
            streamConnections = c.streamConnections;
            maxConnections = c.maxConnections;
            checkpoints = c.checkpoints;
            cluster = c.cluster;
            archiveRetentionBlocks = c.archiveRetentionBlocks;
        }

        NodeConfig toConfig() {
            return new NodeConfig(data, host, port, genesis, dev, blockMs, blockTxs, queue, strict, fsync,
                    consistencyCheckBlocks, keepVersions, blockCacheMb, nodeCacheKeys, streamConnections, maxConnections,
                    checkpoints, archiveRetentionBlocks, cluster);
        }
    }
}
