package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateKeyTest {

    @Test
    void everyKeyRoundTripsThroughItsCanonicalBytes() {
        List<StateKey> keys = List.of(
                new StateKey.Market(7),
                new StateKey.Order(0xFFFF_FFFF_FFFFL),
                new StateKey.ActiveOrder(3, 42),
                new StateKey.Account(9),
                new StateKey.AccountName("alice"),
                new StateKey.Position(9, 3),
                new StateKey.Counters(),
                new StateKey.MarketStats(3));
        for (StateKey k : keys) {
            assertThat(StateKey.decode(k.encode())).isEqualTo(k);
        }
    }

    @Test
    void positionKeysAndRecordsReadInPlaceAsTheirCodecsDecodeThem() {
        StateKey.Position key = new StateKey.Position(0x0102_0304_0506_0708L, 0x7FFF_0001);
        java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(key.encode());
        assertThat(StateKey.Position.accountIdOf(k)).isEqualTo(key.accountId());
        assertThat(StateKey.Position.marketIdOf(k)).isEqualTo(key.marketId());
        for (long size : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            PositionRecord p = new PositionRecord(size, 5, -6, 7, 8, 9, 10);
            assertThat(PositionRecord.InPlace.size(java.nio.ByteBuffer.wrap(p.encode())))
                    .isEqualTo(PositionRecord.decode(p.encode()).size()).isEqualTo(size);
        }
        byte[] shortKey = java.util.Arrays.copyOf(key.encode(), 12);
        assertThatThrownBy(() -> StateKey.Position.accountIdOf(java.nio.ByteBuffer.wrap(shortKey)))
                .hasMessageContaining("Position key of 12 bytes");
        byte[] longRecord = java.util.Arrays.copyOf(PositionRecord.EMPTY.encode(), 58);
        assertThatThrownBy(() -> PositionRecord.InPlace.size(java.nio.ByteBuffer.wrap(longRecord)))
                .hasMessageContaining("position record of 58 bytes");
    }

    @Test
    void activeOrderKeysSortByMarketThenOrderIdInByteOrder() {
        byte[] a = new StateKey.ActiveOrder(1, 255).encode();
        byte[] b = new StateKey.ActiveOrder(1, 256).encode();
        byte[] c = new StateKey.ActiveOrder(2, 1).encode();
        assertThat(Arrays.compareUnsigned(a, b)).isNegative();
        assertThat(Arrays.compareUnsigned(b, c)).isNegative();
    }

    @Test
    void marketPrefixCoversExactlyThatMarketsEntries() {
        byte[] prefix = StateKey.ActiveOrder.marketPrefix(5);
        assertThat(new StateKey.ActiveOrder(5, 1).encode()).startsWith(prefix);
        assertThat(startsWith(new StateKey.ActiveOrder(6, 1).encode(), prefix)).isFalse();
        assertThat(startsWith(new StateKey.Order(1).encode(), StateKey.ActiveOrder.indexPrefix())).isFalse();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Test
    void malformedKeysAreRefused() {
        assertThatThrownBy(() -> StateKey.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StateKey.decode(new byte[] {StateKey.TAG_ORDER, 1}))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> StateKey.decode(new byte[] {StateKey.TAG_MARKET, 0, 0, 0, 1, 9}))
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> StateKey.decode(new byte[] {0x7f})).hasMessageContaining("unknown");
    }
}
