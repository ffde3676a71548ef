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
