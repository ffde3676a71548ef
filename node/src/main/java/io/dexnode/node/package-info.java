/**
 * The running node: configuration, genesis, start-up (recovering the books) and shutdown, periodic
 * checkpoints, and the wiring of store, engine, producer, API, metrics and health into one
 * {@link io.dexnode.node.Node}. It must not know the command line (that is the cli module, which
 * starts a node from its flags) nor the benchmarks.
 */
package io.dexnode.node;
