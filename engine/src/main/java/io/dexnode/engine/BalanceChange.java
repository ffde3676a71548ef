package io.dexnode.engine;

/** An account's collateral after a block changed it. */
public record BalanceChange(long accountId, String name, long collateral) {
}
