/**
 * How a block's transactions execute: the exchange's rules for each transaction
 * ({@code TransactionRules}), the margin and overflow checks ({@code MarginCheck}), the order
 * lifecycle ({@code OrderLifecycle}), the settlement of the book's fills into positions, PnL,
 * collateral and fees ({@code FillSettlement}), transfers and market listings, and the typed,
 * transactional view of state they all write through ({@code Ledger}). Internal to the engine:
 * only {@link io.dexnode.engine.Engine} drives it. It must not know how blocks are committed or
 * recovered, nor anything of HTTP, the node or consensus.
 */
package io.dexnode.engine.exec;
