package io.dexnode.jmt;

/**
 * There is no root for the requested version: it was never written, or it was pruned
 * (the crate's {@code MissingRootError}).
 */
public final class MissingRootException extends JmtException {
    private final long version;

    public MissingRootException(long version) {
        super("no root for version " + Long.toUnsignedString(version)
                + " (never written, or probably pruned)");
        this.version = version;
    }

    /** The version asked for. */
    public long version() {
        return version;
    }
}
