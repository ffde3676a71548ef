/**
 * The recovery benchmark: builds a large state of active and historical orders, then times
 * rebuilding the books from state, from a warm snapshot, and from a snapshot plus incremental
 * changes, and a process's start to its first answered query.
 */
package io.dexnode.bench.recovery;
