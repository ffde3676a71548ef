package io.dexnode.node;

import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.StateQueries;
import io.dexnode.engine.TxResult;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.node.api.ApiServer;
import io.dexnode.node.api.StreamHub;
import io.dexnode.node.api.TxAdmission;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
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
 * queued one, write the warm book snapshot ({@link NodeStartup#snapshot}), stop serving, close RocksDB.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    /**
     * Test and embedding seams; production uses {@link #defaults()}. {@code beforeRecovery} runs
     * with the bound HTTP port once the server answers and before the books are recovered;
     * {@code engine} makes the engine over the node's store (a test may wrap the store or the books
     * to break them on purpose).
     */
    public record Options(ProducerHook hook, Runnable onHalt, IntConsumer beforeRecovery,
                          Function<StateStore, Engine> engine) {
        public Options(ProducerHook hook, Runnable onHalt, IntConsumer beforeRecovery) {
            this(hook, onHalt, beforeRecovery, Engine::new);
        }

        public Options(ProducerHook hook, Runnable onHalt) {
            this(hook, onHalt, port -> { });
        }

        public static Options defaults() {
            return new Options(ProducerHook.NONE, () -> {
                System.err.println("dexnode: the engine halted; exiting (a restart recovers from the last committed block)");
                System.err.flush();
                Runtime.getRuntime().halt(70);
            });
        }
    }

    private final NodeConfig config;
    private final Genesis genesis;
    private final boolean genesisMatchesChain;
    private final StateManager store;
    private final Engine engine;
    private final NodeHealth health = new NodeHealth();
    private final MarketDataPublisher marketData;
    private final NodeMetrics metrics;
    private final StreamHub stream;
    private final BlockProducer producer;
    private final ApiServer api;
    private final RecoveryReport recovery;
    private boolean closed;

    private Node(NodeConfig config, Options options) throws IOException {
        this.config = config;
        this.genesis = Genesis.load(config.genesis());
        this.store = StateManager.open(config.data(), config.stateConfig());
        ApiServer server = null;
        try {
            this.engine = options.engine().apply(store);
            this.marketData = new MarketDataPublisher(engine);
            BlockProducer[] producerRef = new BlockProducer[1];
            StreamHub[] streamRef = new StreamHub[1];
            this.metrics = new NodeMetrics(() -> producerRef[0] == null ? 0 : producerRef[0].queueDepth(), this::marketGauges,
                    () -> streamRef[0] == null ? 0 : streamRef[0].openConnections());
            // Serve health and metrics while the books are recovered; everything else answers 503 until attach.
            server = new ApiServer(store, new TxAdmission(genesis.admin(), config.dev(), genesis.chainId(), genesis.requireChainId(),
                    genesis.oracle(), genesis.marketOracles()),
                    config.maxConnections(), metrics, health)
                    .start(config.host(), config.port());
            this.api = server;
            options.beforeRecovery().accept(server.port());
            long t0 = System.nanoTime();
            this.recovery = NodeStartup.recover(engine, config.strict(), config.data());
            metrics.recovered(recovery.method().metricName(), System.nanoTime() - t0, recovery);
            if (engine.height() < 0) {
                commitGenesis();
            }
            this.genesisMatchesChain = BlockRecords.blockJson(1, 0, genesis.genesisTxs()).equals(BlockRecords.body(store, 1));
            if (!genesisMatchesChain) {
                LOG.warn("the genesis file {} does not match block 1 of the chain in {}: the stored chain is used and the file's "
                        + "markets are ignored (markets after genesis are created by create_market transactions)",
                        config.genesis(), config.data());
            }
            marketData.publishAll();
            this.stream = new StreamHub(marketData.current(), new StateQueries(store), config.streamConnections(), metrics);
            streamRef[0] = stream;
            this.producer = new BlockProducer(engine, config.blockMs(), config.blockTxs(), config.queue(),
                    config.consistencyCheckBlocks(), marketData, stream::publish, health, metrics, options.hook(),
                    options.onHalt());
            producerRef[0] = producer;
            producer.afterHealthyCheck(() -> {
                Path books = NodeStartup.snapshot(engine, config.data());
                if (config.checkpoints() > 0) {
                    long height = engine.height();
                    metrics.checkpoint(height, Checkpoints.write(store, config.data(), height, books, config.checkpoints()));
                }
            });
            producer.checkConsistency();
            producer.start();
            api.attach(producer, marketData, stream);
            health.recovered();
        } catch (RuntimeException | Error e) {
            if (server != null) {
                server.close();
            }
            store.close();
            throw e;
        }
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

    /** Graceful stop: refuse new transactions, finish queued ones, snapshot hook, stop serving, close the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.stopping();
        try {
            producer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!health.isHalted()) {
            NodeStartup.snapshot(engine, config.data());
        }
        api.close();
        stream.close();
        long height = store.latestVersion();
        store.close();
        LOG.info("node stopped at height {}", height);
    }
}
