package io.dexnode.engine;

import io.dexnode.engine.risk.RiskEvent;
import java.util.List;

/**
 * A committed block: its header (with the new state root), one result per transaction in order,
 * and the block's events for the API and market data: fills, order updates and balance changes
 * (those of the end-of-block risk pass included, after the transactions'), and the risk pass's
 * own steps ({@link RiskEvent}: funding, liquidations, insurance, auto-deleveraging).
 * {@code executeNanos} is matching and bookkeeping (the risk pass included, {@code risk} says how
 * much), {@code commitNanos} the state store's commit (tree hashing and RocksDB write).
 */
public record BlockResult(BlockHeader header, List<TxResult> results, List<Fill> fills,
                          List<OrderUpdate> orderUpdates, List<BalanceChange> balances, List<RiskEvent> riskEvents,
                          RiskPassStats risk, long executeNanos, long commitNanos) {
}
