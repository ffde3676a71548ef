/**
 * The end-to-end engine benchmark: orders per second through matching, state bookkeeping, a JMT root
 * and one RocksDB write per block, on a scratch store, with a seeded order flow generated before
 * timing starts.
 */
package io.dexnode.bench.engine;
