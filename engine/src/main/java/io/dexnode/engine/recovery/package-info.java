/**
 * Recovery, the heart of the system: rebuilding every market's in-memory book from committed
 * state (scan each market's ActiveOrder prefix, load and validate the orders, repair what
 * disagrees by one committed repair block), from a warm snapshot of the books caught up with the
 * changes since it was written, verifying books against the index, and rebuilding a single
 * market's book when a periodic check finds it wrong. It owns the snapshot file format and the
 * recovery report. It reaches the engine only through {@link io.dexnode.engine.recovery.RecoveryTarget}
 * and must not know how blocks execute, how transactions are validated, or anything of HTTP,
 * the node or consensus.
 */
package io.dexnode.engine.recovery;
