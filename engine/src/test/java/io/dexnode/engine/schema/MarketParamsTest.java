package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarketParamsTest {

    @Test
    void aMarketRoundTripsWithItsCapAndRiskTermsInFormatThree() {
        MarketParams p = new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, 250, 75, 60, 30);
        byte[] encoded = p.encode();
        assertThat(encoded[0]).as("format byte").isEqualTo((byte) 3);
        assertThat(MarketParams.decode(encoded)).isEqualTo(p);
    }

    @Test
    void aFormatOneRecordWrittenBeforeTheCapReadsWithTheDefaultCapAndRiskTerms() {
        byte[] v1 = new ValueWriter((byte) 1).u32(7).str("BTC-USD").i64(1).i64(2).i64(3)
                .u32(4).u32(5).u32(1000).u32(500).bytes();
        assertThat(MarketParams.decode(v1))
                .isEqualTo(new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, MarketParams.DEFAULT_MAX_OPEN_ORDERS,
                        MarketParams.DEFAULT_LIQUIDATION_FEE_BPS, MarketParams.DEFAULT_FUNDING_INTERVAL_BLOCKS,
                        MarketParams.DEFAULT_FUNDING_CAP_BPS));
    }

    @Test
    void aFormatTwoRecordWrittenBeforeTheRiskTermsReadsWithTheirDefaults() {
        byte[] v2 = new ValueWriter((byte) 2).u32(7).str("BTC-USD").i64(1).i64(2).i64(3)
                .u32(4).u32(5).u32(1000).u32(500).u32(250).bytes();
        assertThat(MarketParams.decode(v2)).isEqualTo(new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, 250));
    }

    @Test
    void anUnknownFormatOrTrailingBytesAreCorruption() {
        byte[] v3 = new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, 250).encode();
        byte[] v4 = v3.clone();
        v4[0] = 4;
        assertThatThrownBy(() -> MarketParams.decode(v4)).isInstanceOf(IllegalStateException.class).hasMessageContaining("format 4");
        byte[] v2WithRisk = v3.clone();
        v2WithRisk[0] = 2;
        assertThatThrownBy(() -> MarketParams.decode(v2WithRisk)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trailing");
    }
}
