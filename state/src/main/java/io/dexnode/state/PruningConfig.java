package io.dexnode.state;

/**
 * How much history the store keeps. With {@link PruningMode#KEEP_LAST} and n, the versions
 * {@code latest - n + 1 .. latest} stay readable (roots, values, proofs); everything older is
 * removed in the background. The latest state is never touched.
 *
 * @param mode keep everything or the last n versions
 * @param keepLast n (≥ 1) for KEEP_LAST; ignored for KEEP_ALL
 */
public record PruningConfig(PruningMode mode, long keepLast) {

    public PruningConfig {
        if (mode == null) {
            throw new IllegalArgumentException("a pruning config needs a mode");
        }
        if (mode == PruningMode.KEEP_LAST && keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, got " + keepLast);
        }
    }

    /** Keep every version. */
    public static PruningConfig keepAll() {
        return new PruningConfig(PruningMode.KEEP_ALL, 0);
    }

    /** Keep the last {@code n} versions (n ≥ 1). */
    public static PruningConfig keepLast(long n) {
        return new PruningConfig(PruningMode.KEEP_LAST, n);
    }

    /**
     * The oldest version that must stay readable when {@code latest} is the newest one, or
     * {@link StateStore#NO_VERSION} when everything is kept.
     */
    public long horizon(long latest) {
        if (mode == PruningMode.KEEP_ALL || latest < 0) {
            return StateStore.NO_VERSION;
        }
        long h = latest - keepLast + 1;
        return h < 0 ? StateStore.NO_VERSION : h;
    }
}
