package io.dexnode.engine.risk;

import java.math.BigInteger;

/**
 * One account's standing at the marks: equity (collateral + Σ size × mark − entry notional) and
 * maintenance margin (Σ ⌈|size| × mark × maintenance rate / 10 000⌉ over its positions; open
 * orders need none). The account is below maintenance, and is liquidated, iff equity &lt;
 * maintenance margin; an account without positions needs none, so it is below only if its
 * collateral is negative.
 *
 * <p>Exact: the sums are taken in longs, and in {@link BigInteger} when a step would overflow,
 * so an extreme mark changes no verdict. It also gives the distance each mark may move against
 * the account before it can be below ({@link #safeMove}), which the liquidation index keeps.
 */
public final class AccountHealth {
    static final long BPS = 10_000;

    private final long collateral;
    private final long[] sizes;
    private final long[] entries;
    private final long[] marks;
    private final int[] maintenanceBps;
    private final long equity;
    private final long maintenance;
    private final BigInteger exactEquity;
    private final BigInteger exactMaintenance;

    /**
     * @param sizes          signed position sizes, one per market (0 for a market without a position)
     * @param entries        the positions' entry notionals
     * @param marks          each market's mark
     * @param maintenanceBps each market's maintenance margin rate
     */
    public AccountHealth(long collateral, long[] sizes, long[] entries, long[] marks, int[] maintenanceBps) {
        this.collateral = collateral;
        this.sizes = sizes;
        this.entries = entries;
        this.marks = marks;
        this.maintenanceBps = maintenanceBps;
        long e = collateral;
        long m = 0;
        boolean fits = true;
        try {
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] != 0 || entries[i] != 0) {
                    e = Math.addExact(e, Math.subtractExact(Math.multiplyExact(sizes[i], marks[i]), entries[i]));
                    m = Math.addExact(m, maintenanceOf(sizes[i], marks[i], maintenanceBps[i]));
                }
            }
        } catch (ArithmeticException overflow) {
            fits = false;
        }
        if (fits) {
            equity = e;
            maintenance = m;
            exactEquity = null;
            exactMaintenance = null;
        } else {
            BigInteger be = BigInteger.valueOf(collateral);
            BigInteger bm = BigInteger.ZERO;
            for (int i = 0; i < sizes.length; i++) {
                BigInteger size = BigInteger.valueOf(sizes[i]);
                BigInteger mark = BigInteger.valueOf(marks[i]);
                be = be.add(size.multiply(mark)).subtract(BigInteger.valueOf(entries[i]));
                bm = bm.add(ceilDiv(size.abs().multiply(mark).multiply(BigInteger.valueOf(maintenanceBps[i])), BPS));
            }
            equity = 0;
            maintenance = 0;
            exactEquity = be;
            exactMaintenance = bm;
        }
    }

    /** ⌈|size| × mark × bps / 10 000⌉; throws {@link ArithmeticException} if it does not fit in a long. */
    public static long maintenanceOf(long size, long mark, int bps) {
        long notional = Math.multiplyExact(Math.absExact(size), mark);
        return notional / BPS * bps + Math.ceilDiv(notional % BPS * bps, BPS);
    }

    public boolean below() {
        return exactEquity == null ? equity < maintenance : exactEquity.compareTo(exactMaintenance) < 0;
    }

    public BigInteger equity() {
        return exactEquity == null ? BigInteger.valueOf(equity) : exactEquity;
    }

    public BigInteger maintenanceMargin() {
        return exactMaintenance == null ? BigInteger.valueOf(maintenance) : exactMaintenance;
    }

    /** Equity − maintenance margin. */
    public BigInteger headroom() {
        return exactEquity == null ? BigInteger.valueOf(equity).subtract(BigInteger.valueOf(maintenance))
                : exactEquity.subtract(exactMaintenance);
    }

    /** Equity − maintenance margin if both fit in a long and so does their difference, else null. */
    private Long headroomIfLong() {
        if (exactEquity != null) {
            return null;
        }
        try {
            return Math.subtractExact(equity, maintenance);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * For an account not below maintenance: how far market {@code i}'s mark may move against its
     * position (down for a long, up for a short) while every other mark moves against it no more
     * than its own safe move, and the account still is not below. Each of its k positions gets a
     * k-th of the headroom; a mark move of d costs a position at most d × (|size| + ⌈|size| × rate /
     * 10 000⌉) of headroom (its loss, and the growth of its margin, rounding included). 0 for a
     * market where it has no position; capped at {@link Long#MAX_VALUE}.
     */
    public long safeMove(int i) {
        if (sizes[i] == 0) {
            return 0;
        }
        int held = 0;
        for (long s : sizes) {
            if (s != 0) {
                held++;
            }
        }
        return safeMove(i, held, headroomIfLong());
    }

    /** {@link #safeMove} of every market, in one pass. */
    public long[] safeMoves() {
        int held = 0;
        for (long s : sizes) {
            if (s != 0) {
                held++;
            }
        }
        Long h = headroomIfLong();
        long[] out = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = sizes[i] == 0 ? 0 : safeMove(i, held, h);
        }
        return out;
    }

    private long safeMove(int i, int held, Long h) {
        long size = Math.abs(sizes[i]);
        if (h != null) {
            try {
                long perUnit = Math.addExact(size, Math.ceilDiv(Math.multiplyExact(size, (long) maintenanceBps[i]), BPS));
                return Math.max(0, h) / held / perUnit;
            } catch (ArithmeticException overflow) {
                // the same division, exactly, below
            }
        }
        BigInteger big = headroom().max(BigInteger.ZERO).divide(BigInteger.valueOf(held));
        BigInteger perUnit = BigInteger.valueOf(size).add(ceilDiv(BigInteger.valueOf(size)
                .multiply(BigInteger.valueOf(maintenanceBps[i])), BPS));
        BigInteger d = big.divide(perUnit);
        return d.bitLength() < 63 ? d.longValue() : Long.MAX_VALUE;
    }

    /**
     * The mark of market {@code i} at which the account would fall below maintenance, the other
     * marks staying where they are: for a long the highest price at or below which it is below, for
     * a short the lowest at or above which it is; null when no positive price does that (a long whose
     * equity covers its margin at any price, or a market where it has no position). For the account view.
     */
    public Long liquidationPrice(int i) {
        long s = sizes[i];
        if (s == 0) {
            return null;
        }
        // below(x) ⇔ D + s·x − ⌈|s|·x·r / 10 000⌉ < 0, D the rest of the headroom: monotone in x.
        BigInteger size = BigInteger.valueOf(s);
        BigInteger mark = BigInteger.valueOf(marks[i]);
        BigInteger rest = headroom().subtract(size.multiply(mark))
                .add(ceilDiv(size.abs().multiply(mark).multiply(BigInteger.valueOf(maintenanceBps[i])), BPS));
        BigInteger bps = BigInteger.valueOf(BPS);
        BigInteger r = BigInteger.valueOf(maintenanceBps[i]);
        if (s > 0) {
            BigInteger slope = size.multiply(bps.subtract(r)); // × 10 000
            if (slope.signum() == 0) {
                return below() ? Long.MAX_VALUE : null;
            }
            BigInteger x = rest.negate().multiply(bps).divide(slope).max(BigInteger.ZERO);
            while (belowAt(rest, size, x.add(BigInteger.ONE), r)) {
                x = x.add(BigInteger.ONE);
            }
            while (x.signum() > 0 && !belowAt(rest, size, x, r)) {
                x = x.subtract(BigInteger.ONE);
            }
            return x.signum() > 0 ? clamp(x) : null;
        }
        BigInteger slope = size.abs().multiply(bps.add(r));
        BigInteger x = rest.multiply(bps).divide(slope).max(BigInteger.ONE);
        while (x.compareTo(BigInteger.ONE) > 0 && belowAt(rest, size, x.subtract(BigInteger.ONE), r)) {
            x = x.subtract(BigInteger.ONE);
        }
        while (!belowAt(rest, size, x, r)) {
            x = x.add(BigInteger.ONE);
        }
        return clamp(x);
    }

    private static boolean belowAt(BigInteger rest, BigInteger size, BigInteger x, BigInteger r) {
        BigInteger margin = ceilDiv(size.abs().multiply(x).multiply(r), BPS);
        return rest.add(size.multiply(x)).subtract(margin).signum() < 0;
    }

    private static long clamp(BigInteger x) {
        return x.bitLength() < 63 ? x.longValue() : Long.MAX_VALUE;
    }

    public long collateral() {
        return collateral;
    }

    static BigInteger ceilDiv(BigInteger n, long d) {
        return ceilDivBy(n, BigInteger.valueOf(d));
    }

    /** ⌈n / d⌉ for d &gt; 0, n of either sign. */
    static BigInteger ceilDivBy(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }
}
