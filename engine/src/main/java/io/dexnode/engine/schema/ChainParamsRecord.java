package io.dexnode.engine.schema;

/**
 * The chain's parameters under {@link StateKey.ChainParams}, fixed in block 1. A chain without
 * the key runs on {@link #DEFAULTS}.
 *
 * @param archiveAfterBlocks a Filled or Cancelled order leaves the tree for the archive this many
 *                           blocks after the block that finished it; 0 keeps every order in the tree
 */
public record ChainParamsRecord(int archiveAfterBlocks) {
    private static final byte FORMAT = 1;
    public static final int DEFAULT_ARCHIVE_AFTER_BLOCKS = 1_000;
    public static final ChainParamsRecord DEFAULTS = new ChainParamsRecord(DEFAULT_ARCHIVE_AFTER_BLOCKS);

    public ChainParamsRecord {
        if (archiveAfterBlocks < 0) {
            throw new IllegalArgumentException("archiveAfterBlocks must be 0 or more, got " + archiveAfterBlocks);
        }
    }

    /** Whether finished orders ever leave the tree. */
    public boolean archives() {
        return archiveAfterBlocks > 0;
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).u32(archiveAfterBlocks).bytes();
    }

    public static ChainParamsRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "chain params", FORMAT);
        int n = r.u32();
        r.expectEnd();
        if (n < 0) {
            throw new IllegalStateException("chain params record holds archiveAfterBlocks " + n);
        }
        return new ChainParamsRecord(n);
    }
}
