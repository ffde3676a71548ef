package io.dexnode.engine.risk;

import java.math.BigInteger;

/**
 * The funding premium of a perpetual market: what each long pays each short per base unit at a
 * funding height (negative: shorts pay longs), mark − index clamped to ±⌊index × cap / 10 000⌋.
 * A position of size s pays s × premium: no rounding at all, and since positions net to zero in
 * every market the payments sum to exactly zero. Without an index (or a mark) there is no premium.
 */
public final class FundingRate {
    private static final long BPS = 10_000;
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    private FundingRate() {
    }

    public static long premium(long mark, long index, int capBps) {
        if (index <= 0 || mark <= 0) {
            return 0;
        }
        long cap = index / BPS * capBps + index % BPS * capBps / BPS;
        return Math.max(-cap, Math.min(cap, mark - index));
    }

    /** The premium as parts per million of the index, truncated toward zero (for views); 0 without an index. */
    public static long ratePpm(long premium, long index) {
        if (index <= 0) {
            return 0;
        }
        return BigInteger.valueOf(premium).multiply(MILLION).divide(BigInteger.valueOf(index)).longValue();
    }
}
