package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarketParamsTest {

    @Test
    void aMarketRoundTripsWithItsCapInFormatTwo() {
        MarketParams p = new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, 250);
        byte[] encoded = p.encode();
        assertThat(encoded[0]).as("format byte").isEqualTo((byte) 2);
        assertThat(MarketParams.decode(encoded)).isEqualTo(p);
    }

    @Test
    void aFormatOneRecordWrittenBeforeTheCapReadsWithTheDefaultCap() {
        byte[] v1 = new ValueWriter((byte) 1).u32(7).str("BTC-USD").i64(1).i64(2).i64(3)
                .u32(4).u32(5).u32(1000).u32(500).bytes();
        assertThat(MarketParams.decode(v1))
                .isEqualTo(new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, MarketParams.DEFAULT_MAX_OPEN_ORDERS));
    }

    @Test
    void aMarketWithTheDefaultCapIsStoredInFormatOneSoBlocksFromBeforeTheCapReplayToTheirRoots() {
        // A create_market without maxOpenOrders stores what it stored before the cap existed:
        // replaying old blocks, or upgrading a node, must not change the state root.
        byte[] v1 = new ValueWriter((byte) 1).u32(7).str("BTC-USD").i64(1).i64(2).i64(3)
                .u32(4).u32(5).u32(1000).u32(500).bytes();
        MarketParams p = new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500);
        assertThat(p.encode()).isEqualTo(v1);
        assertThat(MarketParams.decode(p.encode())).isEqualTo(p);
    }

    @Test
    void anUnknownFormatOrTrailingBytesAreCorruption() {
        byte[] v2 = new MarketParams(7, "BTC-USD", 1, 2, 3, 4, 5, 1000, 500, 250).encode();
        byte[] v3 = v2.clone();
        v3[0] = 3;
        assertThatThrownBy(() -> MarketParams.decode(v3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("format 3");
        byte[] v1WithCap = v2.clone();
        v1WithCap[0] = 1;
        assertThatThrownBy(() -> MarketParams.decode(v1WithCap)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trailing");
    }
}
