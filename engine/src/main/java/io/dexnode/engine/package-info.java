/**
 * The exchange's logic: executing a block of transactions deterministically against the in-memory
 * books and the authenticated state and committing one root per block, the order lifecycle,
 * accounts, positions, balances, margin, warm book snapshots and the recovery of the books from
 * state. Its schema is in {@code .schema}, its transactions in {@code .tx}. It must not know HTTP,
 * the command line, consensus or wall-clock time: everything it decides comes from the block and
 * from state, so that the same blocks give the same root everywhere.
 */
package io.dexnode.engine;
