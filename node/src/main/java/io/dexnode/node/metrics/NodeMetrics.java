package io.dexnode.node.metrics;

import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.api.ApiCodes;
import io.dexnode.engine.RiskPassStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics, one registry per node (tests run several nodes in one JVM), every
 * series under the {@code dexnode_} namespace, followed by the JVM's and the process's own
 * ({@code jvm_*}, {@code process_*}), which exist once per process. Counters are updated by the
 * block producer and the admission path; gauges read published, immutable snapshots through
 * callbacks, never the engine or the state store (a scrape still answers after the store failed).
 */
public final class NodeMetrics {
    /** One market's gauges as last published by the producer. */
    public record MarketGauge(int market, long activeOrders, long bidLevels, long askLevels) {
    }

    /** Why the node closed a stream connection, or refused one; the label values of {@code dexnode_stream_closed_total}. */
    public enum StreamClosure {
        /** It read too slowly: too many messages or characters sent and not yet written (1008). */
        TOO_SLOW("too_slow"),
        /** Too many of its messages waiting for the stream thread (1008). */
        TOO_MANY_REQUESTS("too_many_requests"),
        /** It sent a message over the size bound (Jetty closes with 1009). */
        MESSAGE_TOO_LARGE("message_too_large"),
        /** The node already served the most connections it may: refused (503 at the upgrade, or 1013). */
        CONNECTION_LIMIT("connection_limit"),
        /** Nothing heard from it, not even a pong, across the stream's idle timeout (1001). */
        UNRESPONSIVE("unresponsive");

        private final String metricName;

        StreamClosure(String metricName) {
            this.metricName = metricName;
        }

        public String metricName() {
            return metricName;
        }
    }

    /**
     * The JVM's metrics (memory, GC, threads, classes, CPU, file descriptors), registered once per
     * process: they describe the process, and some install JVM-wide listeners that must not repeat.
     */
    private static final class Jvm {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter blocks;
    private final Counter txs;
    private final Counter rejections;
    private final Histogram commitSeconds;
    private final Histogram executeSeconds;
    private final Histogram riskPassSeconds;
    private final Counter riskExamined;
    private final Counter liquidations;
    private final Histogram recoverySeconds;
    private final Counter repairs;
    private final Counter bookRebuilds;
    private final Counter streamClosed;
    private final Gauge checkpointHeight;
    private final Counter checkpointFailures;
    private final Histogram consistencyCheckSeconds;

    /**
     * @param queueDepth transactions waiting for a block
     * @param markets each market's gauges as last published
     * @param streamConnections open WebSocket stream connections
     */
    public NodeMetrics(IntSupplier queueDepth, Supplier<List<MarketGauge>> markets, IntSupplier streamConnections) {
        blocks = Counter.builder().name("dexnode_blocks_total").help("Blocks committed by this node.").register(registry);
        txs = Counter.builder().name("dexnode_txs_total").help("Transactions executed in committed blocks (accepted or rejected).")
                .register(registry);
        rejections = Counter.builder().name("dexnode_rejections_total")
                .help("Refused transactions by reject code (at admission or by the engine).").labelNames("code").register(registry);
        commitSeconds = Histogram.builder().name("dexnode_block_commit_seconds")
                .help("State commit of a block: tree hashing and the atomic RocksDB write.").classicOnly()
                .classicExponentialUpperBounds(0.0001, 2, 16).register(registry);
        executeSeconds = Histogram.builder().name("dexnode_block_execute_seconds")
                .help("Execution of a block's transactions against the books and the state overlay.").classicOnly()
                .classicExponentialUpperBounds(0.00001, 2, 18).register(registry);
        riskPassSeconds = Histogram.builder().name("dexnode_risk_pass_seconds")
                .help("The end-of-block risk pass (funding, liquidations), part of a block's execution.").classicOnly()
                .classicExponentialUpperBounds(0.000001, 2, 20).register(registry);
        riskExamined = Counter.builder().name("dexnode_risk_accounts_examined_total")
                .help("Accounts the end-of-block risk pass examined for maintenance margin.").register(registry);
        liquidations = Counter.builder().name("dexnode_liquidations_total")
                .help("Accounts liquidated for falling below maintenance margin.").register(registry);
        recoverySeconds = Histogram.builder().name("dexnode_orderbook_recovery_seconds")
                .help("Duration of rebuilding the order books at start, by method.").labelNames("method").classicOnly()
                .classicExponentialUpperBounds(0.001, 2, 18).register(registry);
        repairs = Counter.builder().name("dexnode_recovery_repairs_total")
                .help("Inconsistencies between the ActiveOrder index and the order records found at recovery, by kind.")
                .labelNames("kind").register(registry);
        bookRebuilds = Counter.builder().name("dexnode_book_rebuilds_total")
                .help("Markets whose in-memory book a periodic consistency check found disagreeing with state and rebuilt"
                        + " from state (each is logged with the orders that differed).")
                .register(registry);
        streamClosed = Counter.builder().name("dexnode_stream_closed_total")
                .help("WebSocket stream connections the node closed for breaking a bound, or refused over the connection limit,"
                        + " by reason (a client's own close is not counted).")
                .labelNames("reason").register(registry);
        checkpointHeight = Gauge.builder().name("dexnode_checkpoint_height")
                .help("Height of the newest checkpoint (--checkpoints) this node wrote since it started; 0 before the first.")
                .register(registry);
        checkpointFailures = Counter.builder().name("dexnode_checkpoint_failures_total")
                .help("Checkpoints (--checkpoints) that could not be written (the node logs each as an error).")
                .register(registry);
        consistencyCheckSeconds = Histogram.builder().name("dexnode_consistency_check_seconds")
                .help("The periodic book-vs-state consistency check, by part: what it held the thread that executes blocks"
                        + " (block_thread), and its scan of state on a thread of its own while blocks go on (beside).")
                .labelNames("part").classicOnly().classicExponentialUpperBounds(0.0001, 2, 18).register(registry);
        consistencyCheckSeconds.initLabelValues("block_thread");
        consistencyCheckSeconds.initLabelValues("beside");
        // Every code, kind and reason is exposed from the start (at 0), so the documented series exist before the first event.
        for (RejectCode code : RejectCode.values()) {
            rejections.initLabelValues(ApiCodes.name(code));
        }
        for (RecoveryReport.Inconsistency kind : RecoveryReport.Inconsistency.values()) {
            repairs.initLabelValues(kind.metricName());
        }
        for (StreamClosure reason : StreamClosure.values()) {
            streamClosed.initLabelValues(reason.metricName());
        }
        GaugeWithCallback.builder().name("dexnode_queue_depth").help("Transactions waiting for a block.")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("dexnode_stream_connections")
                .help("Open WebSocket stream connections (accepted and not yet closed).")
                .callback(cb -> cb.call(streamConnections.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("dexnode_active_orders").help("Orders resting in a market's in-memory book.")
                .labelNames("market").callback(cb -> markets.get().forEach(m -> cb.call(m.activeOrders(), Integer.toString(m.market()))))
                .register(registry);
        GaugeWithCallback.builder().name("dexnode_book_levels").help("Price levels in a market's in-memory book, by side.")
                .labelNames("market", "side").callback(cb -> markets.get().forEach(m -> {
                    cb.call(m.bidLevels(), Integer.toString(m.market()), "bid");
                    cb.call(m.askLevels(), Integer.toString(m.market()), "ask");
                })).register(registry);
        registry.register((MultiCollector) Jvm.REGISTRY::scrape);
    }

    public void blockCommitted(int txCount, long executeNanos, long commitNanos) {
        blocks.inc();
        txs.inc(txCount);
        executeSeconds.observe(executeNanos / 1e9);
        commitSeconds.observe(commitNanos / 1e9);
    }

    /** What a committed block's end-of-block risk pass did and cost. */
    public void riskPass(RiskPassStats risk) {
        riskPassSeconds.observe(risk.nanos() / 1e9);
        riskExamined.inc(risk.examined());
        liquidations.inc(risk.liquidated());
    }

    public void rejected(RejectCode code) {
        rejections.labelValues(ApiCodes.name(code)).inc();
    }

    public void streamClosed(StreamClosure reason) {
        streamClosed.labelValues(reason.metricName()).inc();
    }

    /** How many stream connections the node closed or refused for {@code reason} (for tests). */
    public long streamClosedTotal(StreamClosure reason) {
        return (long) streamClosed.labelValues(reason.metricName()).get();
    }

    public void recovered(String method, long nanos, RecoveryReport report) {
        recoverySeconds.labelValues(method).observe(nanos / 1e9);
        report.inconsistencies().forEach((kind, ids) -> repairs.labelValues(kind.metricName()).inc(ids.size()));
    }

    /**
     * A consistency check held the block thread {@code blockThreadNanos} and scanned state beside it
     * for {@code besideNanos} (negative: it ran wholly on the block thread).
     */
    public void consistencyChecked(long blockThreadNanos, long besideNanos) {
        consistencyCheckSeconds.labelValues("block_thread").observe(blockThreadNanos / 1e9);
        if (besideNanos >= 0) {
            consistencyCheckSeconds.labelValues("beside").observe(besideNanos / 1e9);
        }
    }

    /** A market's book was rebuilt from state after a consistency check found it disagreeing. */
    public void bookRebuilt() {
        bookRebuilds.inc();
    }

    /** A checkpoint of {@code height} was written ({@code true}) or could not be. */
    public void checkpoint(long height, boolean written) {
        if (written) {
            checkpointHeight.set(height);
        } else {
            checkpointFailures.inc();
        }
    }

    /** What a cluster replica's metrics read of its Raft server; {@code role} is leader, follower, candidate or stopped. */
    public record RaftView(String role, long term, long commitIndex, long appliedIndex) {
    }

    /** The Raft series of a cluster replica ({@link #clusterCounters}), registered once it starts. */
    public ClusterCounters cluster(Supplier<RaftView> raft) {
        GaugeWithCallback.builder().name("dexnode_raft_role")
                .help("1 for this replica's current Raft role, 0 for the others.").labelNames("role")
                .callback(cb -> {
                    String now = raft.get().role();
                    for (String r : List.of("leader", "follower", "candidate", "stopped")) {
                        cb.call(r.equals(now) ? 1 : 0, r);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("dexnode_raft_term").help("This replica's current Raft term.")
                .callback(cb -> cb.call(raft.get().term())).register(registry);
        GaugeWithCallback.builder().name("dexnode_raft_commit_index").help("The highest log index this replica knows committed.")
                .callback(cb -> cb.call(raft.get().commitIndex())).register(registry);
        GaugeWithCallback.builder().name("dexnode_raft_applied_index").help("The highest log index this replica has applied.")
                .callback(cb -> cb.call(raft.get().appliedIndex())).register(registry);
        GaugeWithCallback.builder().name("dexnode_raft_apply_lag")
                .help("Committed log entries this replica has not applied yet (commit index - applied index).")
                .callback(cb -> {
                    RaftView v = raft.get();
                    cb.call(Math.max(0, v.commitIndex() - v.appliedIndex()));
                }).register(registry);
        return new ClusterCounters(
                Counter.builder().name("dexnode_raft_leader_changes_total").help("Leader changes this replica has seen.")
                        .register(registry),
                Counter.builder().name("dexnode_root_mismatches_total")
                        .help("Blocks whose previous root, as the leader computed it, differed from this replica's (it stops).")
                        .register(registry),
                Counter.builder().name("dexnode_raft_snapshots_taken_total").help("Raft snapshots (state checkpoints) taken.")
                        .register(registry),
                Counter.builder().name("dexnode_raft_snapshots_installed_total")
                        .help("Raft snapshots received from the leader that replaced this replica's state.").register(registry));
    }

    /** A cluster replica's event counters. */
    public record ClusterCounters(Counter leaderChanges, Counter rootMismatches, Counter snapshotsTaken,
                                  Counter snapshotsInstalled) {
    }

    public long blocksTotal() {
        return (long) blocks.get();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    public String contentType() {
        return writer.getContentType();
    }
}
