package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.schema.PositionRecord;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MarginTerms} against the margin check it replaced (commit fbbd301: per-market terms
 * summed in long with {@code Math.*Exact}, the whole check refused as overflow if any step
 * overflowed), over the same three-mark sequence as {@code Engine.checkMargin}: the current mark,
 * then the limit price, then the best opposite price. Wherever the old check did not overflow, the
 * two must decide alike. Position sizes stop short of {@code Long.MIN_VALUE}, where the old check's
 * {@code Math.abs} was wrong; the headroom guard keeps |size| ≤ |entry notional| < 2^62.
 */
class MarginTermsDifferentialTest {
    private static final long MAX = Long.MAX_VALUE;
    private static final long[] EDGES = {0, 1, 2, 9_999, 10_000, 10_001, 1L << 31, 1L << 32, 3_037_000_499L,
            3_037_000_500L, 1L << 62, MAX / 10_000, MAX / 10_000 + 1, MAX / 2, MAX - 1, MAX};
    private static final int[] RATES = {1, 2, 999, 1000, 5000, 9_999, 10_000};

    private SplittableRandom rnd;

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void decidesAsTheLongCheckDidWhereverThatCheckDidNotOverflow(long seed) {
        rnd = new SplittableRandom(seed);
        int decided = 0;
        int refused = 0;
        for (int round = 0; round < 50_000; round++) {
            int n = 1 + rnd.nextInt(4);
            PositionRecord[] positions = new PositionRecord[n];
            long[] marks = new long[n];
            int[] rates = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = new PositionRecord(size(), signed(), 0, 0, value(), 0, value());
                marks[i] = rnd.nextInt(5) == 0 ? 0 : value();
                rates[i] = RATES[rnd.nextInt(RATES.length)];
            }
            boolean withOrder = rnd.nextBoolean();
            int ordered = withOrder ? rnd.nextInt(n) : -1;
            long orderNotional = withOrder ? value() : 0;
            long maxFee = withOrder ? value() : 0;
            long limit = withOrder && rnd.nextBoolean() ? 1 + rnd.nextLong(MAX) : 0;
            long best = limit > 0 && rnd.nextBoolean() ? 1 + value() % MAX : 0;
            long collateral = rnd.nextBoolean() ? signed()
                    : atTheBoundary(positions, marks, rates, ordered, orderNotional, maxFee, rnd.nextInt(3) - 1);

            Boolean old = oldCheck(collateral, positions, marks, rates, ordered, orderNotional, maxFee, limit, best);
            MarginTerms terms = new MarginTerms(collateral, positions, marks, rates, ordered, orderNotional, maxFee);
            boolean covered = terms.covers(0);
            if (covered && limit > 0) {
                covered = terms.covers(limit);
                if (covered && best > 0) {
                    covered = terms.covers(best);
                }
            }
            if (old != null) {
                assertThat(covered).as("seed %d round %d", seed, round).isEqualTo(old);
                decided++;
                if (!old) {
                    refused++;
                }
            }
        }
        assertThat(decided).as("cases the old check decided").isGreaterThan(5_000);
        assertThat(refused).as("of them refused for margin").isGreaterThan(1_000);
        assertThat(decided - refused).as("of them accepted").isGreaterThan(1_000);
    }

    @Test
    void gainsAndLossesThatCancelAreDecidedByTheirExactSumThoughThePartialSumOverflows() {
        // Two other markets each gain MAX at mark 1 (together past a long), offset by a collateral
        // of MIN; each asks ⌈1 × 1 bp⌉ = 1. The order's market asks 100 % of its 4 000, and the
        // order's fee sets equity to 4 002 + surplus: MIN + 2 MAX − fee.
        PositionRecord gain = new PositionRecord(1, -MAX + 1, 0, 0, 0, 0, 0);
        PositionRecord none = new PositionRecord(0, 0, 0, 0, 0, 0, 0);
        for (long surplus : new long[] {-1, 0, 1}) {
            long fee = MAX - 1 - 4_002 - surplus;
            MarginTerms t = new MarginTerms(Long.MIN_VALUE, new PositionRecord[] {gain, gain, none}, new long[] {1, 1, 0},
                    new int[] {1, 1, 10_000}, 2, 4_000, fee);
            assertThat(t.covers(0)).as("surplus %d", surplus).isEqualTo(surplus >= 0);
            assertThat(t.equity()).isEqualTo(Long.toString(4_002 + surplus));
            assertThat(t.required()).isEqualTo("4002");
        }
    }

    /**
     * A collateral that leaves equity − required margin at {@code delta} at the current marks (so
     * that rounding decides), or any if the old check overflows there.
     */
    private long atTheBoundary(PositionRecord[] positions, long[] marks, int[] rates, int ordered, long orderNotional,
                               long maxFee, int delta) {
        try {
            long e = -maxFee;
            long r = 0;
            for (int i = 0; i < positions.length; i++) {
                e = Math.addExact(e, oldUnrealized(positions[i], marks[i]));
                r = Math.addExact(r, oldRequired(Math.addExact(oldExposure(positions[i], marks[i]),
                        i == ordered ? orderNotional : 0), rates[i]));
            }
            return Math.addExact(Math.subtractExact(r, e), delta);
        } catch (ArithmeticException overflow) {
            return signed();
        }
    }

    /** The old check: true or false as it decided, null where it refused as overflow. */
    private static Boolean oldCheck(long collateral, PositionRecord[] positions, long[] marks, int[] rates, int ordered,
                                    long orderNotional, long maxFee, long limit, long best) {
        try {
            long[] equity = new long[positions.length];
            long[] required = new long[positions.length];
            for (int i = 0; i < positions.length; i++) {
                if (i != ordered) {
                    equity[i] = oldUnrealized(positions[i], marks[i]);
                    required[i] = oldRequired(oldExposure(positions[i], marks[i]), rates[i]);
                }
            }
            boolean ok = oldAt(collateral, positions, marks, rates, ordered, orderNotional, maxFee, equity, required, 0);
            if (ok && ordered >= 0 && limit > 0) {
                ok = oldAt(collateral, positions, marks, rates, ordered, orderNotional, maxFee, equity, required, limit);
                if (ok && best > 0) {
                    ok = oldAt(collateral, positions, marks, rates, ordered, orderNotional, maxFee, equity, required, best);
                }
            }
            return ok;
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    private static boolean oldAt(long collateral, PositionRecord[] positions, long[] marks, int[] rates, int ordered,
                                 long orderNotional, long maxFee, long[] equity, long[] required, long override) {
        long e = collateral;
        long r = 0;
        for (int i = 0; i < positions.length; i++) {
            if (i == ordered) {
                long mark = override > 0 ? override : marks[i];
                long exposure = Math.addExact(oldExposure(positions[i], mark), orderNotional);
                e = Math.subtractExact(e, maxFee);
                e = Math.addExact(e, oldUnrealized(positions[i], mark));
                r = Math.addExact(r, oldRequired(exposure, rates[i]));
            } else {
                e = Math.addExact(e, equity[i]);
                r = Math.addExact(r, required[i]);
            }
        }
        return e >= r;
    }

    private static long oldExposure(PositionRecord p, long mark) {
        return Math.addExact(Math.multiplyExact(Math.abs(p.size()), mark),
                Math.addExact(p.openBuyNotional(), p.openSellNotional()));
    }

    private static long oldUnrealized(PositionRecord p, long mark) {
        return Math.subtractExact(Math.multiplyExact(p.size(), mark), p.entryNotional());
    }

    private static long oldRequired(long exposure, int rate) {
        return Math.ceilDiv(Math.multiplyExact(exposure, (long) rate), 10_000L);
    }

    /** Mostly small, so that the old check decides; sometimes an edge of long. */
    private long value() {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextLong(MAX);
            case 1 -> EDGES[rnd.nextInt(EDGES.length)];
            case 2 -> rnd.nextLong(1L << 32);
            default -> rnd.nextLong(1_000_000);
        };
    }

    private long signed() {
        long v = value();
        return rnd.nextBoolean() ? v : -v;
    }

    private long size() {
        long v = rnd.nextInt(3) == 0 ? 0 : value() % (1L << 62);
        return rnd.nextBoolean() ? v : -v;
    }
}
