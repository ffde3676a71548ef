package io.dexnode.engine;

import io.dexnode.engine.schema.PositionRecord;
import java.math.BigInteger;

/**
 * One account's margin terms for one check, read from state once and then evaluated at up to
 * three marks for the order's market (the other markets do not depend on it). The rule: equity
 * (collateral + Σ size × mark − entry notional, less the order's largest fee) must cover the
 * initial margin Σ ⌈(|size| × mark + open-order notional, the order's included) × rate / 10 000⌉.
 *
 * <p>{@link #covers} decides that inequality exactly. The values fit in a long as long as marks
 * are ordinary, and then it allocates nothing; when a step overflows (a mark set by a trade at an
 * extreme price makes |size| × mark exceed a long for a large holder), it evaluates the same sums
 * in {@link BigInteger}. So the rule, not the width of a long, refuses or accepts: the margin
 * check never refuses as overflow, and one account's extreme trade cannot lock others out.
 */
public final class MarginTerms {
    private static final long BPS = 10_000;

    private final long collateral;
    /** The account's position in each of its markets (the order's market included). */
    private final PositionRecord[] positions;
    /** Each market's mark: its last trade price, 0 before the first trade. */
    private final long[] marks;
    private final int[] initialMarginBps;
    /** Index of the order's market in the arrays, or -1 without an order. */
    private final int ordered;
    private final long orderNotional;
    private final long maxFee;
    /** Σ equity and required margin over the markets other than the order's, if {@link #restFits}. */
    private final long restEquity;
    private final long restRequired;
    private final boolean restFits;

    /** The last evaluation's equity and required margin: the longs, or the BigIntegers if set. */
    private long equity;
    private long required;
    private BigInteger exactEquity;
    private BigInteger exactRequired;

    /**
     * @param ordered        index of the order's market, or -1 (then {@code orderNotional} and
     *                       {@code maxFee} are 0)
     * @param orderNotional  the order's notional, counted as open in its market
     * @param maxFee         the largest fee the order can pay, deducted from equity
     */
    public MarginTerms(long collateral, PositionRecord[] positions, long[] marks, int[] initialMarginBps, int ordered,
                long orderNotional, long maxFee) {
        this.collateral = collateral;
        this.positions = positions;
        this.marks = marks;
        this.initialMarginBps = initialMarginBps;
        this.ordered = ordered;
        this.orderNotional = orderNotional;
        this.maxFee = maxFee;
        long e = 0;
        long r = 0;
        boolean fits = true;
        try {
            for (int i = 0; i < positions.length; i++) {
                if (i != ordered) {
                    e = Math.addExact(e, unrealizedPnl(positions[i], marks[i]));
                    r = Math.addExact(r, requiredFor(exposure(positions[i], marks[i]), initialMarginBps[i]));
                }
            }
        } catch (ArithmeticException overflow) {
            fits = false; // covers() takes the exact path
        }
        this.restEquity = e;
        this.restRequired = r;
        this.restFits = fits;
    }

    /**
     * Whether equity covers the required margin with the order's market marked at
     * {@code markOverride} (if &gt; 0, else at its mark); {@link #equity()} and {@link #required()}
     * then give the two values.
     */
    public boolean covers(long markOverride) {
        if (restFits) {
            try {
                long e = Math.addExact(collateral, restEquity);
                long r = restRequired;
                if (ordered >= 0) {
                    PositionRecord p = positions[ordered];
                    long mark = markOverride > 0 ? markOverride : marks[ordered];
                    e = Math.addExact(Math.subtractExact(e, maxFee), unrealizedPnl(p, mark));
                    r = Math.addExact(r, requiredFor(Math.addExact(exposure(p, mark), orderNotional), initialMarginBps[ordered]));
                }
                equity = e;
                required = r;
                exactEquity = null;
                exactRequired = null;
                return e >= r;
            } catch (ArithmeticException overflow) {
                // a term or a sum exceeds a long: the same sums, exactly
            }
        }
        BigInteger e = BigInteger.valueOf(collateral);
        BigInteger r = BigInteger.ZERO;
        for (int i = 0; i < positions.length; i++) {
            PositionRecord p = positions[i];
            BigInteger mark = BigInteger.valueOf(i == ordered && markOverride > 0 ? markOverride : marks[i]);
            BigInteger size = BigInteger.valueOf(p.size());
            BigInteger exposure = size.abs().multiply(mark)
                    .add(BigInteger.valueOf(p.openBuyNotional())).add(BigInteger.valueOf(p.openSellNotional()));
            e = e.add(size.multiply(mark)).subtract(BigInteger.valueOf(p.entryNotional()));
            if (i == ordered) {
                exposure = exposure.add(BigInteger.valueOf(orderNotional));
                e = e.subtract(BigInteger.valueOf(maxFee));
            }
            r = r.add(ceilDiv(exposure.multiply(BigInteger.valueOf(initialMarginBps[i])), BPS));
        }
        exactEquity = e;
        exactRequired = r;
        return e.compareTo(r) >= 0;
    }

    /** The last evaluation's equity, in decimal. */
    public String equity() {
        return exactEquity != null ? exactEquity.toString() : Long.toString(equity);
    }

    /** The last evaluation's required margin, in decimal. */
    public String required() {
        return exactRequired != null ? exactRequired.toString() : Long.toString(required);
    }

    /** The last evaluation's equity, exactly. */
    public BigInteger equityValue() {
        return exactEquity != null ? exactEquity : BigInteger.valueOf(equity);
    }

    /** The last evaluation's required margin, exactly. */
    public BigInteger requiredValue() {
        return exactRequired != null ? exactRequired : BigInteger.valueOf(required);
    }

    /**
     * The account's headroom sum with the order (see {@code Engine.checkHeadroom}); throws
     * {@link ArithmeticException} if it does not fit in a long. It does not depend on the marks.
     */
    public long headroom() {
        long h = Math.absExact(collateral);
        for (PositionRecord p : positions) {
            h = Math.addExact(h, headroomOf(p));
        }
        return Math.addExact(h, Math.multiplyExact(3, orderNotional));
    }

    /** |realized PnL| + 2 |entry notional| + 3 × open-order notional; throws if it exceeds a long. */
    private static long headroomOf(PositionRecord p) {
        return Math.addExact(Math.absExact(p.realizedPnl()), Math.addExact(Math.multiplyExact(2, Math.absExact(p.entryNotional())),
                Math.multiplyExact(3, Math.addExact(p.openBuyNotional(), p.openSellNotional()))));
    }

    /** |position| at {@code mark} plus the notional of the position's open orders. */
    private static long exposure(PositionRecord p, long mark) {
        return Math.addExact(Math.multiplyExact(Math.absExact(p.size()), mark),
                Math.addExact(p.openBuyNotional(), p.openSellNotional()));
    }

    private static long unrealizedPnl(PositionRecord p, long mark) {
        return Math.subtractExact(Math.multiplyExact(p.size(), mark), p.entryNotional());
    }

    private static long requiredFor(long exposure, int initialMarginBps) {
        return Math.ceilDiv(Math.multiplyExact(exposure, (long) initialMarginBps), BPS);
    }

    /** ⌈n / d⌉ for d &gt; 0, as {@link Math#ceilDiv(long, long)} rounds. */
    private static BigInteger ceilDiv(BigInteger n, long d) {
        BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(d));
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }
}
