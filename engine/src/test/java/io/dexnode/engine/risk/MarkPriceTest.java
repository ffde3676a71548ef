package io.dexnode.engine.risk;

import static io.dexnode.engine.risk.MarkPrice.NO_ASK;
import static io.dexnode.engine.risk.MarkPrice.NO_BID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarkPriceTest {

    @Test
    void withBothSidesTheMarkIsTheMedianOfReferenceBidAndAsk() {
        assertThat(MarkPrice.of(100, 90, 110)).isEqualTo(100);
        assertThat(MarkPrice.of(80, 90, 110)).isEqualTo(90);
        assertThat(MarkPrice.of(130, 90, 110)).isEqualTo(110);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long bid = 1 + r.nextLong(1_000);
            long ask = bid + 1 + r.nextLong(1_000);
            long reference = 1 + r.nextLong(3_000);
            long[] three = {reference, bid, ask};
            Arrays.sort(three);
            assertThat(MarkPrice.of(reference, bid, ask)).isEqualTo(three[1]);
        }
    }

    @Test
    void aOneSidedOrEmptyBookLeavesTheReference() {
        assertThat(MarkPrice.of(100, NO_BID, NO_ASK)).isEqualTo(100);
        assertThat(MarkPrice.of(100, 150, NO_ASK)).as("a lone bid above the index does not set it").isEqualTo(100);
        assertThat(MarkPrice.of(100, NO_BID, 50)).isEqualTo(100);
    }

    @Test
    void theReferenceIsTheIndexOnceSetElseTheLastTradeAndWithNeitherThereIsNoMark() {
        assertThat(MarkPrice.reference(100, 250)).isEqualTo(100);
        assertThat(MarkPrice.reference(0, 250)).isEqualTo(250);
        assertThat(MarkPrice.reference(0, 0)).isZero();
        assertThat(MarkPrice.of(0, 90, 110)).isZero();
    }
}
