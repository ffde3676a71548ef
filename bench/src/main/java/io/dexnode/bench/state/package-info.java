/**
 * The state-store benchmark: commits per second of JMT-rooted batches on RocksDB at a given state
 * size, against raw RocksDB writes of the same data, on a scratch directory.
 */
package io.dexnode.bench.state;
