/**
 * The node's Prometheus metrics, one registry per node. Counters are updated by the producer and
 * admission; gauges read published, immutable snapshots. It must not read the engine or hold up
 * the producer.
 */
package io.dexnode.node.metrics;
