/**
 * The Jellyfish Merkle Tree, byte-compatible with penumbra-zone/jmt (SHA-256): nibble paths,
 * internal and leaf nodes and their hashing, batch updates at a version, existence and
 * non-existence proofs, the stale-node index for pruning, and the {@link io.dexnode.jmt.TreeReader}
 * / {@link io.dexnode.jmt.TreeWriter} storage SPI with an in-memory store. It knows nothing of
 * RocksDB, orders or markets: storage is whatever implements the SPI, and keys and values are opaque
 * bytes.
 */
package io.dexnode.jmt;
