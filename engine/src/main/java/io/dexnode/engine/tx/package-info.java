/**
 * Transactions and blocks as the engine executes them: the sealed {@link io.dexnode.engine.tx.Tx}
 * family, the block, their JSON forms (block files, API payloads) and the typed rejection codes a
 * bad transaction gets. Parsing only: it must not know state, the books or the network envelope
 * (signatures and chain ids are the node's).
 */
package io.dexnode.engine.tx;
