package io.dexnode.state;

/** Whether old versions are kept forever or only the most recent ones. */
public enum PruningMode {
    /** Every committed version stays readable (an archive node). */
    KEEP_ALL,
    /** Only the last {@link PruningConfig#keepLast()} versions stay readable. */
    KEEP_LAST
}
