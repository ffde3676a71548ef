package io.dexnode.engine;

import java.util.List;

/**
 * A committed block: its header (with the new state root), one result per transaction in order,
 * and the block's events for the API and market data. {@code executeNanos} is matching and
 * bookkeeping, {@code commitNanos} the state store's commit (tree hashing and RocksDB write).
 */
public record BlockResult(BlockHeader header, List<TxResult> results, List<Fill> fills,
                          List<OrderUpdate> orderUpdates, List<BalanceChange> balances,
                          long executeNanos, long commitNanos) {
}
