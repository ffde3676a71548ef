package io.dexnode.engine.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FundingRateTest {

    @Test
    void thePremiumIsMarkMinusIndexWithinTheCapAndNothingWithoutAnIndex() {
        assertThat(FundingRate.premium(1_020, 1_000, 100)).isEqualTo(10);
        assertThat(FundingRate.premium(1_005, 1_000, 100)).isEqualTo(5);
        assertThat(FundingRate.premium(950, 1_000, 100)).isEqualTo(-10);
        assertThat(FundingRate.premium(1_020, 0, 100)).isZero();
        assertThat(FundingRate.premium(1_020, 1_000, 0)).isZero();
        assertThat(FundingRate.premium(Long.MAX_VALUE, Long.MAX_VALUE - 1, 10_000)).as("no overflow").isEqualTo(1);
    }

    @Test
    void theRateIsInPartsPerMillionOfTheIndex() {
        assertThat(FundingRate.ratePpm(10, 1_000)).isEqualTo(10_000);
        assertThat(FundingRate.ratePpm(-11, 1_100)).isEqualTo(-10_000);
        assertThat(FundingRate.ratePpm(1, 3)).isEqualTo(333_333);
    }
}
