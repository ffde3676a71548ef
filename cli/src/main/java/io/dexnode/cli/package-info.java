/**
 * The {@code dexnode} command: one entry point ({@link io.dexnode.cli.Main}) for running a node,
 * the offline tools (replay, book, index, jmt), key generation, signed transactions against a
 * running node, and the benchmarks. Commands parse and check flags, then call the modules below;
 * nothing here decides anything the node or the engine decides, and no module depends on this one.
 */
package io.dexnode.cli;
