package io.dexnode.state;

/**
 * How a {@link StateManager} runs: durability, memory and history. One place for every knob of
 * the store, so the node's config maps onto it field by field.
 *
 * @param fsync whether each commit waits for the WAL to reach the disk (true for a real node: an
 *              acknowledged block is never lost)
 * @param blockCacheBytes size of the LRU block cache shared by all column families
 * @param pruning how much history to keep
 * @param nodeCacheEntries how many nodes of the latest tree to keep in memory: up to this many
 *                         leaves in a packed table (~160 bytes of table per leaf at its load factor,
 *                         grown on demand) and half as many decoded internal nodes (a tree of N keys
 *                         has about N/3). Every commit reads the path to each updated key; with the
 *                         whole tree cached, commits read nothing from disk. Size it to the number of
 *                         keys for the best commit rate; 0 turns caching off.
 * @param treePersistence when the tree's nodes are written (in the background); see {@link TreePersistence}
 */
public record StateConfig(boolean fsync, long blockCacheBytes, PruningConfig pruning, int nodeCacheEntries,
                          TreePersistence treePersistence) {
    /** Default block cache: 256 MiB. */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 256L << 20;
    /**
     * RocksDB memtable (write buffer) size of every column family: 8 MiB. A commit inserts tens of
     * thousands of records, and a skiplist that stays in the CPU caches takes them about a third
     * faster than a 64 MiB one (docs/BENCHMARKS.md, state store).
     */
    public static final long MEMTABLE_BYTES = 8L << 20;
    /** Default node cache: the whole tree of up to about two million keys (~600 MiB when full). */
    public static final int DEFAULT_NODE_CACHE_ENTRIES = 1 << 21;

    public StateConfig {
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("blockCacheBytes must be >= 0, got " + blockCacheBytes);
        }
        if (pruning == null) {
            throw new IllegalArgumentException("a state config needs a pruning config");
        }
        if (nodeCacheEntries < 0) {
            throw new IllegalArgumentException("nodeCacheEntries must be >= 0, got " + nodeCacheEntries);
        }
        if (treePersistence == null) {
            throw new IllegalArgumentException("a state config needs a tree persistence setting");
        }
    }

    /** The four settings of the first design, with the default {@link TreePersistence}. */
    public StateConfig(boolean fsync, long blockCacheBytes, PruningConfig pruning, int nodeCacheEntries) {
        this(fsync, blockCacheBytes, pruning, nodeCacheEntries, TreePersistence.defaults());
    }

    /** fsync on, 256 MiB block cache, keep all versions, the default node cache and tree persistence. */
    public static StateConfig defaults() {
        return new StateConfig(true, DEFAULT_BLOCK_CACHE_BYTES, PruningConfig.keepAll(), DEFAULT_NODE_CACHE_ENTRIES,
                TreePersistence.defaults());
    }

    public StateConfig withFsync(boolean f) {
        return new StateConfig(f, blockCacheBytes, pruning, nodeCacheEntries, treePersistence);
    }

    public StateConfig withPruning(PruningConfig p) {
        return new StateConfig(fsync, blockCacheBytes, p, nodeCacheEntries, treePersistence);
    }

    public StateConfig withBlockCacheBytes(long bytes) {
        return new StateConfig(fsync, bytes, pruning, nodeCacheEntries, treePersistence);
    }

    public StateConfig withNodeCacheEntries(int entries) {
        return new StateConfig(fsync, blockCacheBytes, pruning, entries, treePersistence);
    }

    public StateConfig withTreePersistence(TreePersistence t) {
        return new StateConfig(fsync, blockCacheBytes, pruning, nodeCacheEntries, t);
    }
}
