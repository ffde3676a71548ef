package io.dexnode.node;

import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.node.api.ApiServer;
import io.dexnode.node.api.StreamHub;
import io.dexnode.node.api.TxAdmission;
import io.dexnode.node.api.TxService;
import io.dexnode.node.api.JsonViews;
import io.dexnode.node.cluster.ChainIdentity;
import io.dexnode.node.cluster.ClusterReplica;
import io.dexnode.node.cluster.PeerCheck;
import io.dexnode.node.cluster.ReplaceableStore;
import io.dexnode.node.cluster.ReplicaChain;
import io.dexnode.node.producer.BlockPublication;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.health.BackgroundCheck;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockProducer;
import io.dexnode.node.producer.MarketDataPublisher;
import io.dexnode.node.producer.MarketView;
import io.dexnode.node.producer.ProducerHook;
import io.dexnode.state.StateManager;
import io.dexnode.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: the state store, the engine and its one producer thread, the published market
 * data, the stream and the HTTP server, started in that order and closed in reverse.
 *
 * <p>Start: open the store, serve health and metrics (the rest answers 503 "recovering"), recover
 * the books ({@link NodeStartup#recover}), on an empty store commit block 1 with the genesis
 * markets (time 0), publish, check consistency, then serve everything.
 * Close (also the SIGTERM path): refuse new transactions (503), let the producer finish every
 * queued one, write the warm book snapshot ({@link BookSnapshots}), stop serving, close RocksDB.
 * Halt (a block failed: its commit, e.g. disk full, or its execution): the producer marks the node
 * halted (readiness and every route but liveness and metrics answer 503) and fails every waiting
 * request with 503; once those answers are out (at most {@link #HALT_GRACE}) the cause goes to
 * {@link Options#onHalt}, which by default prints it on one line and ends the process with
 * {@link #HALT_STATUS}. Nothing on that path reads or writes the store, which refuses every call
 * once a write failed; a restart recovers from the last committed block.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** The process's exit status after a halt (sysexits' EX_SOFTWARE; docs/API.md). */
    public static final int HALT_STATUS = 70;
    /** After a halt the process ends once no request has been answered for this long... */
    private static final Duration HALT_QUIET = Duration.ofMillis(100);
    /** ...or at the latest after this long. */
    private static final Duration HALT_GRACE = Duration.ofSeconds(1);

    /** How a halted node ends: with {@code status}, after printing {@code line} (one line naming the cause). */
    @FunctionalInterface
    public interface Exit {
        /**
         * The process ends at once: no shutdown hook runs, since a graceful close would write a
         * book snapshot and read the store, which after a failed write refuses every call.
         */
        Exit PROCESS = (status, line) -> {
            System.err.println(line);
            System.err.flush();
            Runtime.getRuntime().halt(status);
        };

        void exit(int status, String line);
    }

    /**
     * Test and embedding seams; production uses {@link #defaults()}. {@code beforeRecovery} runs
     * with the bound HTTP port once the server answers and before the books are recovered;
     * {@code state} wraps the store everything but the node's lifecycle reads and writes through
     * (tests inject failures there); {@code engine} makes the engine over that store (a test may
     * wrap the books to break them on purpose).
     */
    public record Options(ProducerHook hook, Exit onHalt, IntConsumer beforeRecovery, UnaryOperator<StateStore> state,
                          Function<StateStore, Engine> engine, ReplicaChain.Tamper tamper) {
        public Options(ProducerHook hook, Exit onHalt, IntConsumer beforeRecovery) {
            this(hook, onHalt, beforeRecovery, UnaryOperator.identity(), Engine::new, ReplicaChain.Tamper.NONE);
        }

        public Options(ProducerHook hook, Exit onHalt) {
            this(hook, onHalt, port -> { });
        }

        public static Options defaults() {
            return new Options(ProducerHook.NONE, Exit.PROCESS);
        }

        public Options withState(UnaryOperator<StateStore> wrap) {
            return new Options(hook, onHalt, beforeRecovery, wrap, engine, tamper);
        }

        public Options withEngine(Function<StateStore, Engine> make) {
            return new Options(hook, onHalt, beforeRecovery, state, make, tamper);
        }

        /** A replica that executes other transactions than the log's at some heights (tests of divergence). */
        public Options withTamper(ReplicaChain.Tamper t) {
            return new Options(hook, onHalt, beforeRecovery, state, engine, t);
        }
    }

    private final NodeConfig config;
    private final Genesis genesis;
    private final boolean genesisMatchesChain;
    /** The store the node opened, for its lifecycle: checkpoints and close (a replica's may be replaced by a snapshot). */
    private final StateStore store;
    private final Supplier<StateManager> storeFiles;
    /** The same store as the engine and the API use it ({@link Options#state}). */
    private final StateStore state;
    private final Engine engine;
    private final NodeHealth health = new NodeHealth();
    private final MarketDataPublisher marketData;
    private final NodeMetrics metrics;
    private final StreamHub stream;
    /** A single node's producer, or null for a replica. */
    private final BlockProducer producer;
    /** A replica's Raft side, or null for a single node. */
    private final ClusterReplica replica;
    private final ApiServer api;
    private final RecoveryReport recovery;
    private final ArchivePruner archivePruner;
    private final BookSnapshots bookSnapshots;
    /** The periodic check's scan beside the block thread, or null where checks run on it (checkpoints). */
    private final BackgroundCheck backgroundCheck;
    private boolean closed;

    private Node(NodeConfig config, Options options) throws IOException {
        this.config = config;
        this.genesis = Genesis.load(config.genesis());
        ChainIdentity identity = ChainIdentity.of(genesis.chainId(), BlockRecords.blockJson(1, 0, genesis.genesisTxs()));
        if (config.clustered()) {
            PeerCheck.refuseOtherChains(config.cluster(), identity);
        }
        StateManager opened = StateManager.open(config.stateDir(), config.stateConfig());
        ReplaceableStore replaceable = config.clustered() ? new ReplaceableStore(opened) : null;
        this.store = replaceable != null ? replaceable : opened;
        this.storeFiles = replaceable != null ? replaceable::current : () -> opened;
        ApiServer server = null;
        ClusterReplica started = null;
        BackgroundCheck checkBeside = null;
        try {
            this.state = options.state().apply(store);
            health.committed(state.latestVersion());
            this.engine = options.engine().apply(state);
            this.marketData = new MarketDataPublisher(engine);
            IntSupplier[] queueDepth = {() -> 0};
            StreamHub[] streamRef = new StreamHub[1];
            this.metrics = new NodeMetrics(() -> queueDepth[0].getAsInt(), this::marketGauges,
                    () -> streamRef[0] == null ? 0 : streamRef[0].openConnections());
            // Serve health and metrics while the books are recovered; everything else answers 503 until attach.
            TxAdmission admission = new TxAdmission(genesis.admin(), config.dev(), genesis.chainId(), genesis.requireChainId(),
                    genesis.oracle(), genesis.marketOracles());
            server = new ApiServer(state, admission, identity.genesisHex(), config.maxConnections(), metrics, health)
                    .start(config.host(), config.port());
            this.api = server;
            options.beforeRecovery().accept(server.port());
            long t0 = System.nanoTime();
            // A replica never repairs alone (a repair block would change its root): it defers the repair to the leader.
            this.recovery = NodeStartup.recover(engine, config.strict(), config.clustered(), config.stateDir());
            metrics.recovered(recovery.method().metricName(), System.nanoTime() - t0, recovery);
            if (engine.height() < 0) {
                commitGenesis();
            }
            health.committed(engine.height());
            this.genesisMatchesChain = BlockRecords.blockJson(1, 0, genesis.genesisTxs()).equals(BlockRecords.body(state, 1));
            if (!genesisMatchesChain) {
                if (config.clustered()) {
                    throw new IllegalStateException("block 1 of the chain in " + config.stateDir() + " is not the genesis of "
                            + config.genesis() + ": a replica starts from its group's genesis file (wipe the data directory"
                            + " to join with this one)");
                }
                LOG.warn("the genesis file {} does not match block 1 of the chain in {}: the stored chain is used and the file's "
                        + "markets are ignored (markets after genesis are created by create_market transactions)",
                        config.genesis(), config.data());
            }
            marketData.publishAll();
            this.stream = new StreamHub(marketData.current(), new StateQueries(state), config.streamConnections(), metrics);
            streamRef[0] = stream;
            this.archivePruner = new ArchivePruner(state, engine, config.archiveRetentionBlocks());
            this.bookSnapshots = new BookSnapshots(config.stateDir());
            Runnable afterHealthyCheck = () -> {
                archivePruner.prune(engine.height());
                if (config.checkpoints() > 0) {
                    // A checkpoint holds the snapshot of its own height: both are written here, between blocks.
                    Path books = bookSnapshots.writeNow(engine);
                    long height = engine.height();
                    metrics.checkpoint(height, Checkpoints.write(storeFiles.get(), config.stateDir(), height, books,
                            config.checkpoints()));
                } else {
                    bookSnapshots.writeInBackground(engine);
                }
            };
            // A checkpoint is written with the snapshot of its own height between blocks, after a passing
            // check: with checkpoints on, periodic checks stay on the block thread.
            Consumer<BookSnapshotWriter.Captured> afterHealthyBooks = books -> {
                archivePruner.prune(books.version());
                bookSnapshots.writeInBackground(books);
            };
            this.backgroundCheck = config.checkpoints() > 0 ? null : new BackgroundCheck(engine, state);
            checkBeside = backgroundCheck;
            TxService txs;
            if (config.clustered()) {
                this.producer = null;
                BlockPublication publication = new BlockPublication(engine, marketData, stream::publish, health, metrics,
                        config.consistencyCheckBlocks());
                publication.afterHealthyCheck(afterHealthyCheck);
                if (backgroundCheck != null) {
                    publication.checkInBackground(backgroundCheck, afterHealthyBooks);
                }
                publication.checkConsistency();
                started = ClusterReplica.start(config.cluster(), config.raftDir(), identity, engine, replaceable,
                        config.stateDir(), config.stateConfig(), admission, publication, marketData, health, metrics,
                        new ClusterReplica.Blocks(config.blockMs(), config.blockTxs(), config.queue()), options.tamper(),
                        recovery.pendingRepair(), cause -> halted(cause, options.onHalt()));
                this.replica = started;
                publication.running();
                queueDepth[0] = replica::queueDepth;
                txs = new TxService(admission, replica, replica, metrics);
            } else {
                this.replica = null;
                this.producer = new BlockProducer(engine, config.blockMs(), config.blockTxs(), config.queue(),
                        config.consistencyCheckBlocks(), marketData, stream::publish, health, metrics, options.hook(),
                        cause -> halted(cause, options.onHalt()));
                queueDepth[0] = producer::queueDepth;
                producer.afterHealthyCheck(afterHealthyCheck);
                if (backgroundCheck != null) {
                    producer.checkInBackground(backgroundCheck, afterHealthyBooks);
                }
                producer.checkConsistency();
                producer.start();
                txs = new TxService(admission, producer, TxService.Router.LOCAL, metrics);
            }
            api.attach(txs, marketData, stream, replica == null ? this::singleNodeView : replica::view);
            health.recovered();
        } catch (RuntimeException | Error | IOException e) {
            if (started != null) {
                started.close();
            }
            if (server != null) {
                server.close();
            }
            if (checkBeside != null) {
                checkBeside.close();
            }
            store.close();
            throw e;
        }
    }

    /** {@code GET /v1/cluster} of a single node: a group of one that always leads. */
    private ObjectNode singleNodeView() {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("self", "single");
        n.put("role", "leader");
        n.put("leader", "single");
        n.put("term", 0);
        n.put("appliedHeight", health.height());
        n.putArray("peers");
        return n;
    }

    /**
     * The end of a halt, on the producer thread once every waiting request was failed: the 503s
     * still being written (and those of requests arriving meanwhile) reach their clients, then the
     * process ends. Reads nothing from the store.
     */
    private void halted(String cause, Exit exit) {
        api.awaitQuiet(HALT_QUIET, HALT_GRACE);
        exit.exit(HALT_STATUS, "dexnode: halted: " + cause + "; exiting with status " + HALT_STATUS
                + " (a restart recovers from the last committed block)");
    }

    /** Starts a node; returns once it serves. */
    public static Node start(NodeConfig config, Options options) throws IOException {
        return new Node(config, options);
    }

    public static Node start(NodeConfig config) throws IOException {
        return start(config, Options.defaults());
    }

    private void commitGenesis() {
        BlockResult b = engine.executeBlock(1, 0, genesis.genesisTxs());
        for (TxResult r : b.results()) {
            if (!r.accepted()) {
                throw new IllegalStateException("genesis transaction " + r.tx() + " was rejected: " + r.rejection());
            }
        }
        metrics.blockCommitted(b.results().size(), b.executeNanos(), b.commitNanos());
        LOG.info("genesis of chain {} committed at height 1 with {} markets", genesis.chainId(), genesis.markets().size());
    }

    private List<NodeMetrics.MarketGauge> marketGauges() {
        List<NodeMetrics.MarketGauge> out = new ArrayList<>();
        for (MarketView v : marketData.current().list()) {
            out.add(new NodeMetrics.MarketGauge(v.params().marketId(), v.orderCount(), v.bids().length, v.asks().length));
        }
        return out;
    }

    /** The bound HTTP port (useful with port 0). */
    public int port() {
        return api.port();
    }

    /** {@code http://host:port}. */
    public String url() {
        return "http://" + config.host() + ":" + port();
    }

    /**
     * Whether the genesis file's markets are those of the chain's block 1. On an existing chain the
     * file is not applied: a mismatch (an edited or wrong file, or a chain built by {@code replay})
     * is reported, not refused.
     */
    public boolean genesisMatchesChain() {
        return genesisMatchesChain;
    }

    public Genesis genesis() {
        return genesis;
    }

    public RecoveryReport recovery() {
        return recovery;
    }

    public NodeHealth health() {
        return health;
    }

    /** This node's Raft side when it is a cluster replica, else null. */
    public ClusterReplica cluster() {
        return replica;
    }

    /**
     * Graceful stop: refuse new transactions, finish queued ones, write the book snapshot, stop
     * serving, close the store. After a halt (an embedding that did not exit) it only releases
     * what the node holds: no snapshot, and no read of the store, whose write failed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.stopping();
        if (replica != null) {
            replica.close(); // queued transactions get 503; the Raft server stops applying
        } else {
            try {
                producer.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean booksInDoubt = false;
        if (backgroundCheck != null) {
            backgroundCheck.close(); // its scan reads the store, closed below
            booksInDoubt = backgroundCheck.unreadFailure();
        }
        if (booksInDoubt) {
            LOG.warn("no book snapshot at shutdown: the last consistency check did not pass and was not acted on;"
                    + " the next start rebuilds the books from state");
        } else if (!health.isHalted() && !health.isReplicaStopped()) {
            bookSnapshots.writeNow(engine);
        }
        bookSnapshots.close();
        api.close();
        stream.close();
        archivePruner.close();
        long height = health.height();
        store.close();
        LOG.info("node stopped at height {}", height);
    }
}
