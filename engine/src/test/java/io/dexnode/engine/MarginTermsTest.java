package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.schema.PositionRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MarginTerms} against a model of the margin rule in arbitrary-precision integers, over
 * terms drawn mostly from the edges of {@code long}: equity = collateral + Σ (size × mark − entry
 * notional) − the order's fee, required = Σ ⌈(|size| × mark + open-order notional) × rate / 10 000⌉
 * (the order's notional counted in its market), and the check holds iff equity ≥ required. Each
 * evaluation must agree with the model in its decision and in both values, whether or not they fit
 * in a long.
 */
class MarginTermsTest {
    private static final long MAX = Long.MAX_VALUE;
    private static final long MIN = Long.MIN_VALUE;
    private static final long[] EDGES = {0, 1, 2, 3, 9_999, 10_000, 10_001, 1L << 31, 1L << 32, 1L << 62, MAX / 10_000,
            MAX / 10_000 + 1, MAX / 2, MAX / 2 + 1, MAX - 1, MAX};
    private static final int[] RATES = {0, 1, 2, 999, 1000, 5000, 9_999, 10_000};
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private SplittableRandom rnd;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void marginCheckAgreesWithTheExactModel(long seed) {
        rnd = new SplittableRandom(seed);
        int overflowing = 0;
        int fitting = 0;
        for (int round = 0; round < 20_000; round++) {
            int n = 1 + rnd.nextInt(4);
            PositionRecord[] positions = new PositionRecord[n];
            long[] marks = new long[n];
            int[] rates = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = new PositionRecord(signed(), signed(), 0, 0, nonNegative(), 0, nonNegative());
                marks[i] = nonNegative();
                rates[i] = RATES[rnd.nextInt(RATES.length)];
            }
            boolean withOrder = rnd.nextBoolean();
            int ordered = withOrder ? rnd.nextInt(n) : -1;
            long orderNotional = withOrder ? nonNegative() : 0;
            long maxFee = withOrder ? nonNegative() : 0;
            long collateral = signed();
            MarginTerms terms = new MarginTerms(collateral, positions, marks, rates, ordered, orderNotional, maxFee);
            for (long override : new long[] {0, nonNegative()}) {
                BigInteger[] model = model(collateral, positions, marks, rates, ordered, orderNotional, maxFee, override);
                String what = "seed " + seed + " round " + round + " mark override " + override;
                assertThat(terms.covers(override)).as(what).isEqualTo(model[0].compareTo(model[1]) >= 0);
                assertThat(terms.equity()).as(what + ": equity").isEqualTo(model[0].toString());
                assertThat(terms.required()).as(what + ": required").isEqualTo(model[1].toString());
                if (!fitsInLong(model[0]) || !fitsInLong(model[1])) {
                    overflowing++;
                } else {
                    fitting++;
                }
            }
        }
        assertThat(overflowing).as("evaluations whose equity or required margin exceeds a long").isGreaterThan(1000);
        assertThat(fitting).as("evaluations whose equity and required margin fit in a long").isGreaterThan(1000);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void requiredMarginRoundsUpLikeMathCeilDivOnBothPaths(long seed) {
        rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20_000; round++) {
            // One market, no position: required = ⌈open notional × rate / 10 000⌉, once small
            // enough for the long path and once pushed past a long by a second market's term.
            long open = rnd.nextLong(MAX / 10_000);
            int rate = RATES[rnd.nextInt(RATES.length)];
            long expected = Math.ceilDiv(open * rate, 10_000L);
            MarginTerms small = new MarginTerms(0, new PositionRecord[] {open(open)}, new long[] {1}, new int[] {rate},
                    -1, 0, 0);
            small.covers(0);
            assertThat(small.required()).isEqualTo(Long.toString(expected));
            MarginTerms big = new MarginTerms(0, new PositionRecord[] {open(open), open(MAX)}, new long[] {1, 1},
                    new int[] {rate, 10_000}, -1, 0, 0);
            big.covers(0);
            assertThat(big.required()).isEqualTo(BigInteger.valueOf(expected).add(BigInteger.valueOf(MAX)).toString());
        }
    }

    private static PositionRecord open(long notional) {
        return new PositionRecord(0, 0, 0, 0, notional, 0, 0);
    }

    /** {equity, required} by the rule, in arbitrary precision. */
    private static BigInteger[] model(long collateral, PositionRecord[] positions, long[] marks, int[] rates, int ordered,
                                      long orderNotional, long maxFee, long override) {
        BigInteger equity = BigInteger.valueOf(collateral);
        BigInteger required = BigInteger.ZERO;
        for (int i = 0; i < positions.length; i++) {
            PositionRecord p = positions[i];
            BigInteger mark = BigInteger.valueOf(i == ordered && override > 0 ? override : marks[i]);
            BigInteger size = BigInteger.valueOf(p.size());
            BigInteger exposure = size.abs().multiply(mark).add(BigInteger.valueOf(p.openBuyNotional()))
                    .add(BigInteger.valueOf(p.openSellNotional()));
            equity = equity.add(size.multiply(mark)).subtract(BigInteger.valueOf(p.entryNotional()));
            if (i == ordered) {
                exposure = exposure.add(BigInteger.valueOf(orderNotional));
                equity = equity.subtract(BigInteger.valueOf(maxFee));
            }
            BigDecimal margin = new BigDecimal(exposure.multiply(BigInteger.valueOf(rates[i])))
                    .divide(new BigDecimal(BPS), 0, RoundingMode.CEILING);
            required = required.add(margin.toBigIntegerExact());
        }
        return new BigInteger[] {equity, required};
    }

    private static boolean fitsInLong(BigInteger v) {
        return v.bitLength() < 64;
    }

    /** Mostly an edge value or its neighbourhood, sometimes any non-negative long. */
    private long nonNegative() {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextLong(MAX);
            case 1 -> rnd.nextLong(1_000_000);
            default -> EDGES[rnd.nextInt(EDGES.length)];
        };
    }

    private long signed() {
        if (rnd.nextInt(20) == 0) {
            return MIN;
        }
        long v = nonNegative();
        return rnd.nextBoolean() ? v : -v;
    }
}
