package io.dexnode.engine.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AccountHealthTest {

    @Test
    void belowIsEquityUnderMaintenanceMarginExactlyAndBeyondALong() {
        // long 100 at an entry of 100 000, collateral 11 200, 5 %: below at 934, not at 935
        AccountHealth at934 = new AccountHealth(11_200, new long[] {100}, new long[] {100_000}, new long[] {934}, new int[] {500});
        AccountHealth at935 = new AccountHealth(11_200, new long[] {100}, new long[] {100_000}, new long[] {935}, new int[] {500});
        assertThat(at934.below()).isTrue();
        assertThat(at935.below()).isFalse();
        assertThat(at935.equity()).isEqualTo(BigInteger.valueOf(4_700));
        assertThat(at935.maintenanceMargin()).isEqualTo(BigInteger.valueOf(4_675));
        long huge = Long.MAX_VALUE / 2;
        AccountHealth big = new AccountHealth(0, new long[] {huge}, new long[] {huge}, new long[] {3}, new int[] {10_000});
        assertThat(big.equity()).isEqualTo(BigInteger.valueOf(huge).multiply(BigInteger.TWO));
        assertThat(big.below()).as("equity 2·huge, margin 3·huge").isTrue();
        assertThat(new AccountHealth(-1, new long[0], new long[0], new long[0], new int[0]).below())
                .as("no position and negative collateral").isTrue();
    }

    @Test
    void theLiquidationPriceIsTheLastMarkAtWhichTheAccountIsBelow() {
        AccountHealth longAt1000 = new AccountHealth(11_200, new long[] {100}, new long[] {100_000}, new long[] {1000},
                new int[] {500});
        assertThat(longAt1000.liquidationPrice(0)).isEqualTo(934);
        // short 100 at 1 000 with 11 200: E = 11 200 − 100 (x − 1 000), M = 5 x: below from 1 060 on (105 x > 111 200)
        AccountHealth shortAt1000 = new AccountHealth(11_200, new long[] {-100}, new long[] {-100_000},
                new long[] {1000}, new int[] {500});
        assertThat(shortAt1000.liquidationPrice(0)).isEqualTo(1060);
        assertThat(new AccountHealth(11_200, new long[] {-100}, new long[] {-100_000}, new long[] {1060}, new int[] {500})
                .below()).isTrue();
        assertThat(new AccountHealth(11_200, new long[] {-100}, new long[] {-100_000}, new long[] {1059}, new int[] {500})
                .below()).isFalse();
        assertThat(new AccountHealth(1_000_000, new long[] {1}, new long[] {1000}, new long[] {1000}, new int[] {500})
                .liquidationPrice(0)).as("a long covered at any price").isNull();
    }

    /**
     * The safe moves the liquidation index keeps are sound: however the marks move, each against
     * the account by at most its safe move, an account that was not below is still not below.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void noMoveWithinTheSafeMovesPutsAnAccountBelow(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            int n = 1 + r.nextInt(3);
            long[] sizes = new long[n];
            long[] entries = new long[n];
            long[] marks = new long[n];
            int[] bps = new int[n];
            for (int k = 0; k < n; k++) {
                sizes[k] = r.nextInt(5) == 0 ? 0 : (r.nextBoolean() ? 1 : -1) * (1 + r.nextLong(1_000));
                marks[k] = 50 + r.nextLong(2_000);
                entries[k] = sizes[k] * (marks[k] + r.nextLong(200) - 100);
                bps[k] = 1 + r.nextInt(2_000);
            }
            long collateral = r.nextLong(2_000_000) - 200_000;
            AccountHealth h = new AccountHealth(collateral, sizes, entries, marks, bps);
            if (h.below()) {
                continue;
            }
            long[] moved = marks.clone();
            for (int k = 0; k < n; k++) {
                long safe = h.safeMove(k);
                long d = safe == 0 ? 0 : r.nextLong(Math.min(safe, 1_000_000) + 1);
                moved[k] = Math.max(1, sizes[k] > 0 ? marks[k] - d : marks[k] + d);
                if (r.nextInt(4) == 0) {
                    moved[k] = sizes[k] > 0 ? marks[k] + r.nextLong(100) : Math.max(1, marks[k] - r.nextLong(100)); // in its favour
                }
            }
            assertThat(new AccountHealth(collateral, sizes, entries, moved, bps).below())
                    .as("moved %s → %s within safe moves", java.util.Arrays.toString(marks), java.util.Arrays.toString(moved))
                    .isFalse();
            checked++;
        }
        assertThat(checked).isGreaterThan(5_000);
    }
}
