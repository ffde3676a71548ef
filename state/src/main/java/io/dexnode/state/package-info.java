/**
 * Versioned, authenticated state on RocksDB under a JMT root: the per-block atomic commit (values,
 * root and metadata in one {@code WriteBatch}), the latest tree in memory with its background
 * persistence and rebuild after a crash, reads at a version, prefix scans, proofs, pruning and
 * checkpoints. Keys and values are opaque bytes here: it must not know orders, markets or the
 * engine's schema, only that a version is a block height.
 */
package io.dexnode.state;
