package io.dexnode.engine.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiquidationIndexTest {
    private final LiquidationIndex index = new LiquidationIndex();

    @Test
    void aChangedAccountIsExaminedOnceThenOnlyWhenTheMarkPassesItsTrigger() {
        index.positionChanged(7, 1, 10);
        index.positionChanged(3, 1, -10);
        index.touch(7);
        assertThat(index.toExamine(new int[] {1}, new long[] {100})).containsExactly(3, 7);
        index.reindex(7, new int[] {1}, new long[] {10}, new long[] {100}, new long[] {5}); // long: below 95
        index.reindex(3, new int[] {1}, new long[] {-10}, new long[] {100}, new long[] {8}); // short: above 108
        assertThat(index.toExamine(new int[] {1}, new long[] {95})).isEmpty();
        assertThat(index.toExamine(new int[] {1}, new long[] {94})).containsExactly(7);
        assertThat(index.toExamine(new int[] {1}, new long[] {108})).isEmpty();
        assertThat(index.toExamine(new int[] {1}, new long[] {109})).containsExactly(3);
    }

    @Test
    void membershipFollowsEveryPositionChange() {
        index.positionChanged(1, 1, 5);
        index.positionChanged(2, 1, -5);
        index.positionChanged(1, 1, -3);
        assertThat(index.holders(1, true)).isEmpty();
        assertThat(index.holders(1, false)).containsExactly(1, 2);
        index.positionChanged(2, 1, 0);
        assertThat(index.holders(1, false)).containsExactly(1);
        assertThat(index.members()).containsExactly("1/1");
    }
}
