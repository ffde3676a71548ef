package io.dexnode.engine.schema;

/**
 * The version of what a state root commits to: the key encodings ({@link StateKey}), the value
 * records, and the execution rules that decide what a block writes. Within one version the same
 * blocks give the same roots, so existing chains replay. A change that moves the roots of existing
 * blocks bumps it, together with the pinned chain's roots in the engine's tests
 * ({@code pinned-chain/roots-format-<VERSION>.txt}): such a change is then always deliberate.
 *
 * <p>Version 2: finished orders leave the tree for the archive ({@code ArchiveQueue},
 * {@code ArchiveHead} and {@code ChainParams} keys; the chain's {@code archiveAfterBlocks}, 1,000
 * by default).
 *
 * <p>Version 3: the risk engine (index and mark prices, maintenance margin, liquidations, insurance
 * funds, auto-deleveraging, funding; market records of format 3 and the {@code MarketRisk} key).
 */
public final class StateFormat {
    public static final int VERSION = 3;

    private StateFormat() {
    }
}
