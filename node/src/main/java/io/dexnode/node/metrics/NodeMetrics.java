package io.dexnode.node.metrics;

import io.dexnode.engine.RecoveryReport;
import io.dexnode.engine.tx.RejectCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics, one registry per node (tests run several nodes in one JVM).
 * Counters are updated by the block producer and the admission path; gauges read published,
 * immutable snapshots through callbacks, never the engine.
 */
public final class NodeMetrics {
    /** One market's gauges as last published by the producer. */
    public record MarketGauge(int market, long activeOrders, long bidLevels, long askLevels) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter blocks;
    private final Counter txs;
    private final Counter rejections;
    private final Histogram commitSeconds;
    private final Histogram executeSeconds;
    private final Histogram recoverySeconds;
    private final Counter repairs;

    public NodeMetrics(IntSupplier queueDepth, Supplier<List<MarketGauge>> markets) {
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
        recoverySeconds = Histogram.builder().name("orderbook_recovery_seconds")
                .help("Duration of rebuilding the order books at start, by method.").labelNames("method").classicOnly()
                .classicExponentialUpperBounds(0.001, 2, 18).register(registry);
        repairs = Counter.builder().name("recovery_repairs_total")
                .help("Inconsistencies between the ActiveOrder index and the order records found at recovery, by kind.")
                .labelNames("kind").register(registry);
        // Every code and kind is exposed from the start (at 0), so the documented series exist before the first event.
        for (RejectCode code : RejectCode.values()) {
            rejections.initLabelValues(code.jsonName());
        }
        for (RecoveryReport.Inconsistency kind : RecoveryReport.Inconsistency.values()) {
            repairs.initLabelValues(kind.metricName());
        }
        GaugeWithCallback.builder().name("dexnode_queue_depth").help("Transactions waiting for a block.")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("active_orders").help("Orders resting in a market's in-memory book.")
                .labelNames("market").callback(cb -> markets.get().forEach(m -> cb.call(m.activeOrders(), Integer.toString(m.market()))))
                .register(registry);
        GaugeWithCallback.builder().name("book_levels").help("Price levels in a market's in-memory book, by side.")
                .labelNames("market", "side").callback(cb -> markets.get().forEach(m -> {
                    cb.call(m.bidLevels(), Integer.toString(m.market()), "bid");
                    cb.call(m.askLevels(), Integer.toString(m.market()), "ask");
                })).register(registry);
    }

    public void blockCommitted(int txCount, long executeNanos, long commitNanos) {
        blocks.inc();
        txs.inc(txCount);
        executeSeconds.observe(executeNanos / 1e9);
        commitSeconds.observe(commitNanos / 1e9);
    }

    public void rejected(RejectCode code) {
        rejections.labelValues(code.jsonName()).inc();
    }

    public void recovered(String method, long nanos, RecoveryReport report) {
        recoverySeconds.labelValues(method).observe(nanos / 1e9);
        report.inconsistencies().forEach((kind, ids) -> repairs.labelValues(kind.metricName()).inc(ids.size()));
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
