/**
 * The state schema: every key stored under the state root as a sealed
 * {@link io.dexnode.engine.schema.StateKey} family with its canonical binary encoding (tag byte,
 * big-endian fields, so RocksDB order is numeric order), and the compact versioned records stored
 * as values (markets, orders, accounts, positions, counters). The one place that knows the bytes;
 * it must not know how blocks are executed, nor storage beyond bytes.
 */
package io.dexnode.engine.schema;
