package io.dexnode.state;

/**
 * When the store writes the latest tree's nodes to RocksDB. A commit writes values, the version's
 * change log and its root, never tree nodes; the nodes a run of versions created live in memory
 * until a background persist writes the ones still in the tree (a node rewritten ten times in the
 * run is written once), together with the run's per-version value history. After a crash the
 * tree is rebuilt from the last persisted tree and the change logs of every later version, so the
 * run between persists is also what a restart re-applies.
 *
 * <p>A persist starts when the run since the last one reaches {@code everyVersions} versions or
 * {@code everyKeyUpdates} key updates, or when what it holds in memory passes
 * {@code memoryBudgetBytes} (so a state far larger than the heap still works: its unpersisted part
 * stays bounded). Defaults and why:
 * <ul>
 *   <li>{@value #DEFAULT_EVERY_KEY_UPDATES} key updates: what a restart re-applies, and with it
 *       the persisted tree's nodes on those keys' paths that it loads first. A longer run writes
 *       fewer nodes per update (more rewrites fall together) but restarts slower. Measured on a
 *       quiet machine at a million keys ({@code bench state --restart}, docs/BENCHMARKS.md): with
 *       250,000 (the first default) the restarted process served after 6.3–7.6 s; with 25,000, and
 *       compactions held back until the tree is rebuilt, after 1.6–2.0 s (the bound is 2 s). The
 *       price is more nodes written per update by the background persists (the upper levels of
 *       the tree are rewritten once per run instead of once per ten).</li>
 *   <li>{@value #DEFAULT_EVERY_VERSIONS} versions: bounds the run when blocks are small (a block
 *       per 5 ms gives a persist every 20 s at most), so that a restart never has many versions to
 *       re-apply and stale nodes reach the pruner soon.</li>
 *   <li>{@value #DEFAULT_MEMORY_BUDGET_BYTES} bytes (256 MiB): the run's nodes and change sets in
 *       memory. Updates into a tree larger than the node cache make about 1 KiB of new nodes each,
 *       so at the key-update bound a run holds about 25 MiB; the budget binds only for runs of
 *       large values.</li>
 * </ul>
 *
 * @param everyVersions persist after this many versions (≥ 1; 1 persists every version)
 * @param everyKeyUpdates persist after this many key updates (≥ 1)
 * @param memoryBudgetBytes persist once the unpersisted nodes and change sets are estimated to take
 *                          this much memory (≥ 1)
 */
public record TreePersistence(long everyVersions, long everyKeyUpdates, long memoryBudgetBytes) {
    public static final long DEFAULT_EVERY_VERSIONS = 4_000;
    public static final long DEFAULT_EVERY_KEY_UPDATES = 25_000;
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 256L << 20;

    public TreePersistence {
        if (everyVersions < 1 || everyKeyUpdates < 1 || memoryBudgetBytes < 1) {
            throw new IllegalArgumentException("tree persistence needs positive bounds, got every " + everyVersions
                    + " versions, every " + everyKeyUpdates + " key updates, budget " + memoryBudgetBytes + " bytes");
        }
    }

    /** The defaults above. */
    public static TreePersistence defaults() {
        return new TreePersistence(DEFAULT_EVERY_VERSIONS, DEFAULT_EVERY_KEY_UPDATES, DEFAULT_MEMORY_BUDGET_BYTES);
    }

    /** Every version's tree persisted (in the background): the first design's disk layout, for tests and tools. */
    public static TreePersistence everyVersion() {
        return new TreePersistence(1, 1, DEFAULT_MEMORY_BUDGET_BYTES);
    }

    /**
     * Never by count, only when memory runs out: for tests of long unpersisted runs. A restart then
     * re-applies everything since the last persist.
     */
    public static TreePersistence onlyWhenMemoryIsShort(long memoryBudgetBytes) {
        return new TreePersistence(Long.MAX_VALUE, Long.MAX_VALUE, memoryBudgetBytes);
    }
}
