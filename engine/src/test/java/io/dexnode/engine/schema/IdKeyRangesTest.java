package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ranges recovery's parallel scans use: contiguous, covering the whole tag, evenly split by id. */
class IdKeyRangesTest {
    @Test
    void rangesAreContiguousFromTheTagAloneToTheNextTagAndEachKeyFallsInExactlyOne() {
        List<byte[][]> ranges = IdKeyRanges.split(StateKey.TAG_POSITION, 999, 4);
        assertThat(ranges).hasSize(4);
        assertThat(ranges.get(0)[0]).containsExactly(StateKey.TAG_POSITION);
        assertThat(ranges.get(3)[1]).containsExactly((byte) (StateKey.TAG_POSITION + 1));
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i)[0]).as("range %d starts where %d ends", i, i - 1).isEqualTo(ranges.get(i - 1)[1]);
        }
        // Ids 0, 250, 500, 750 start the parts; an id far above the expected highest is in the last.
        assertThat(rangeOf(ranges, new StateKey.Position(0, 1).encode())).isZero();
        assertThat(rangeOf(ranges, new StateKey.Position(249, 7).encode())).isZero();
        assertThat(rangeOf(ranges, new StateKey.Position(250, 0).encode())).isEqualTo(1);
        assertThat(rangeOf(ranges, new StateKey.Position(749, 3).encode())).isEqualTo(2);
        assertThat(rangeOf(ranges, new StateKey.Position(750, 0).encode())).isEqualTo(3);
        assertThat(rangeOf(ranges, new StateKey.Position(Long.MAX_VALUE, 0).encode())).isEqualTo(3);
        assertThat(rangeOf(ranges, new StateKey.Position(-1L, 0).encode())).as("ids compare unsigned, as keys do").isEqualTo(3);
        assertThat(rangeOf(ranges, new StateKey.Counters().encode())).as("another tag's key").isEqualTo(-1);
    }

    @Test
    void fewerIdsThanPartsGiveEmptyRangesAndHugeIdsDoNotOverflow() {
        List<byte[][]> small = IdKeyRanges.split(StateKey.TAG_ORDER, 1, 8);
        assertThat(small).hasSize(8);
        assertThat(rangeOf(small, new StateKey.Order(0).encode())).isEqualTo(3);
        assertThat(rangeOf(small, new StateKey.Order(1).encode())).isEqualTo(7);
        List<byte[][]> huge = IdKeyRanges.split(StateKey.TAG_ORDER, Long.MAX_VALUE, 3);
        for (int i = 1; i < huge.size(); i++) {
            assertThat(Arrays.compareUnsigned(huge.get(i - 1)[1], huge.get(i)[1])).isNegative();
        }
        assertThat(rangeOf(huge, new StateKey.Order(Long.MAX_VALUE / 3 - 1).encode())).isZero();
        assertThat(rangeOf(huge, new StateKey.Order(Long.MAX_VALUE / 3).encode())).isEqualTo(1);
        assertThat(rangeOf(huge, new StateKey.Order(Long.MAX_VALUE / 3 * 2 + 2).encode())).isEqualTo(2);
        assertThatThrownBy(() -> IdKeyRanges.split(StateKey.TAG_ORDER, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int rangeOf(List<byte[][]> ranges, byte[] key) {
        int found = -1;
        for (int i = 0; i < ranges.size(); i++) {
            if (Arrays.compareUnsigned(key, ranges.get(i)[0]) >= 0 && Arrays.compareUnsigned(key, ranges.get(i)[1]) < 0) {
                assertThat(found).as("key in two ranges").isEqualTo(-1);
                found = i;
            }
        }
        return found;
    }
}
