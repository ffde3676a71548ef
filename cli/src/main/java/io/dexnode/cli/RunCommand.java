package io.dexnode.cli;

import io.dexnode.node.Node;
import io.dexnode.node.NodeConfig;
import io.dexnode.node.cluster.ClusterConfig;
import io.dexnode.node.crypto.Ed25519;
import io.dexnode.state.StateConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dexnode run}: a node in the foreground until SIGTERM / Ctrl-C, which stops it gracefully. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a node: embedded RocksDB in ./data, HTTP + WebSocket API on 127.0.0.1:8080.")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--http", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Where to serve HTTP and WebSocket; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--genesis", defaultValue = "config/genesis.json", paramLabel = "FILE",
            description = "Genesis file: chainId, optional admin key, markets; the built-in sample when missing (default: ${DEFAULT-VALUE}).")
    Path genesis;

    @Option(names = "--dev", description = "Local faucet: any account may deposit to itself.")
    boolean dev;

    @Option(names = "--block-ms", defaultValue = "" + NodeConfig.DEFAULT_BLOCK_MS, paramLabel = "MS", description = "Cut a block at most this long after its first transaction (default: ${DEFAULT-VALUE}).")
    int blockMs;

    @Option(names = "--block-txs", defaultValue = "1000", paramLabel = "N", description = "At most this many transactions per block (default: ${DEFAULT-VALUE}).")
    int blockTxs;

    @Option(names = "--queue", defaultValue = "10000", paramLabel = "N", description = "Transactions that may wait for a block; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--strict", description = "Refuse to start if recovery finds inconsistent state.")
    boolean strict;

    @Option(names = "--no-fsync", description = "Do not fsync each block (faster; a machine crash may lose the last blocks). A cluster replica ignores it: its Raft log always fsyncs.")
    boolean noFsync;

    @Option(names = "--keep-versions", defaultValue = "0", paramLabel = "N",
            description = "Keep the last N state versions readable (proofs and reads at old heights); older ones are pruned"
                    + " in the background. 0 keeps every version (default: ${DEFAULT-VALUE}).")
    long keepVersions;

    @Option(names = "--check-every", defaultValue = "1000", paramLabel = "BLOCKS",
            description = "Run the book-vs-index consistency check every this many blocks (default: ${DEFAULT-VALUE}).")
    int checkEvery;

    @Option(names = "--block-cache-mb", paramLabel = "MIB",
            description = "RocksDB block cache for state reads, in MiB (default: ${DEFAULT-VALUE}).")
    long blockCacheMb = StateConfig.DEFAULT_BLOCK_CACHE_BYTES >> 20;

    @Option(names = "--node-cache-keys", paramLabel = "N",
            description = "Keep the latest state tree in memory while it has up to N keys (about 300 bytes of heap per key):"
                    + " commits then read nothing from disk. Past N, commits read the paths this cache misses from RocksDB. 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    int nodeCacheKeys = StateConfig.DEFAULT_NODE_CACHE_ENTRIES;

    @Option(names = "--stream-connections", paramLabel = "N",
            description = "WebSocket stream connections served at once; more are refused with 503 (default: ${DEFAULT-VALUE}).")
    int streamConnections = NodeConfig.DEFAULT_STREAM_CONNECTIONS;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "TCP connections the HTTP server holds at once, stream ones included; past it new ones wait"
                    + " until one closes (default: ${DEFAULT-VALUE}).")
    int maxConnections = NodeConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--checkpoints", defaultValue = "0", paramLabel = "K",
            description = "Write a checkpoint (a complete copy of the data directory, hard-linked) to DIR/checkpoints after each"
                    + " passing consistency check (--check-every) and keep the newest K; 0 writes none (default: ${DEFAULT-VALUE}).")
    int checkpoints;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "Run as the replica ID of a cluster (with --peers); HTTP is served on its --peers entry's host and httpPort.")
    String nodeId;

    @Option(names = "--peers", paramLabel = "ID=HOST:RAFTPORT:HTTPPORT,...",
            description = "Every replica of the cluster, this one included, e.g. n1=127.0.0.1:7001:8081,n2=127.0.0.1:7002:8082,"
                    + "n3=127.0.0.1:7003:8083 (docs/CLUSTER.md).")
    String peers;

    @Option(names = "--snapshot-every", paramLabel = "ENTRIES",
            description = "A replica snapshots its state and Raft purges the log below it every this many log entries"
                    + " (default: ${DEFAULT-VALUE}).")
    long snapshotEvery = ClusterConfig.DEFAULT_SNAPSHOT_EVERY;
    @Option(names = "--archive-retention-blocks", defaultValue = "0", paramLabel = "N",
            description = "Keep the archive's records of finished orders for the last N blocks and delete older ones"
                    + " (after each passing consistency check); never touches the state, trades or fills. 0 keeps"
                    + " everything (default: ${DEFAULT-VALUE}).")
    long archiveRetentionBlocks;
    @Option(names = "--key-tables", paramLabel = "N",
            description = "Build comb tables (120 KiB each) for up to N of the busiest signing keys: their signatures verify"
                    + " about three times faster, with the same verdicts (a key earns one after 64 valid signatures)."
                    + " 0 verifies every signature with BouncyCastle alone (default: ${DEFAULT-VALUE}).")
    int keyTables = Ed25519.DEFAULT_KEY_TABLES;

    @Override
    public Integer call() throws Exception {
        if (keyTables < 0) {
            spec.commandLine().getErr().println("dexnode run: need --key-tables >= 0, got " + keyTables);
            return 2;
        }
        ClusterConfig cluster = null;
        if (nodeId != null || peers != null) {
            if (nodeId == null || peers == null) {
                spec.commandLine().getErr().println("dexnode run: a cluster replica needs both --node-id and --peers");
                return 2;
            }
            try {
                cluster = ClusterConfig.of(nodeId, peers).withSnapshotEvery(snapshotEvery);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("dexnode run: " + e.getMessage());
                return 2;
            }
            if (!spec.commandLine().getParseResult().hasMatchedOption("--http")) {
                http = cluster.selfPeer().httpAddress();
            }
        }
        int colon = http.lastIndexOf(':');
        if (colon <= 0 || !http.substring(colon + 1).matches("\\d{1,5}")) {
            spec.commandLine().getErr().println("dexnode run: --http must be HOST:PORT, not " + http);
            return 2;
        }
        NodeConfig config;
        try {
            config = new NodeConfig(data, http.substring(0, colon), Integer.parseInt(http.substring(colon + 1)), genesis, dev,
                    blockMs, blockTxs, queue, strict, !noFsync, checkEvery, keepVersions, blockCacheMb, nodeCacheKeys,
                    streamConnections, maxConnections, checkpoints, archiveRetentionBlocks, cluster);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("dexnode run: " + e.getMessage());
            return 2;
        }
        Ed25519.keepKeyTables(keyTables);
        Node node;
        try {
            node = Node.start(config);
        } catch (Exception e) {
            spec.commandLine().getErr().println("dexnode run: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("dexnode: stopping (finishing the open block)...");
            node.close();
            System.out.println("dexnode: stopped");
            System.out.flush();
            stopped.countDown();
        }, "dexnode-shutdown"));
        System.out.println("dexnode: chain " + node.genesis().chainId() + (dev ? " (--dev: faucet deposits allowed)" : "")
                + ", data in " + data.toAbsolutePath().normalize());
        if (!node.genesisMatchesChain()) {
            System.err.println("dexnode: warning: " + genesis + " does not match block 1 of this chain; its markets are ignored");
        }
        if (cluster != null) {
            System.out.println("dexnode: replica " + cluster.self() + " of " + cluster.peers().size()
                    + " (raft on " + cluster.selfPeer().raftAddress() + ")");
        }
        System.out.println("dexnode: serving on " + node.url());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
