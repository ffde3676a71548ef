package io.dexnode.node.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Applying the diff to the old depth gives the new depth, and the diff holds only changed levels. */
class DepthLevelsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void applyingTheDiffToTheOldSideGivesTheNewSide(long seed) {
        Random rnd = new Random(seed);
        for (int round = 0; round < 500; round++) {
            boolean descending = rnd.nextBoolean();
            TreeMap<Long, Long> before = randomSide(rnd, descending);
            TreeMap<Long, Long> after = randomSide(rnd, descending);
            long[][] diff = DepthLevels.diff(toLevels(before), toLevels(after), descending);
            TreeMap<Long, Long> applied = new TreeMap<>(before);
            long previous = 0;
            for (int i = 0; i < diff.length; i++) {
                long[] l = diff[i];
                if (i > 0) {
                    assertThat(descending ? l[0] < previous : l[0] > previous).as("best-first order").isTrue();
                }
                previous = l[0];
                assertThat(before.get(l[0])).as("a diff level changed").isNotEqualTo(l[1] == 0 ? null : l[1]);
                if (l[1] == 0) {
                    applied.remove(l[0]);
                } else {
                    applied.put(l[0], l[1]);
                }
            }
            assertThat(applied).isEqualTo(new TreeMap<>(after));
        }
    }

    private static TreeMap<Long, Long> randomSide(Random rnd, boolean descending) {
        TreeMap<Long, Long> side = new TreeMap<>(descending ? Comparator.<Long>reverseOrder() : Comparator.<Long>naturalOrder());
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            side.put(1L + rnd.nextInt(20), 1L + rnd.nextInt(3));
        }
        return side;
    }

    private static long[][] toLevels(TreeMap<Long, Long> side) {
        long[][] out = new long[side.size()][];
        int i = 0;
        for (Map.Entry<Long, Long> e : side.entrySet()) {
            out[i++] = new long[] {e.getKey(), e.getValue()};
        }
        return out;
    }
}
