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

    /** Records of the keys' shapes: their hashes are the ones the JDK generates for records. */
    private record OneInt(int a) {
    }

    private record OneLong(long a) {
    }

    private record IntLong(int a, long b) {
    }

    private record LongInt(long a, int b) {
    }

    private record OneString(String a) {
    }

    private record None() {
    }

    @Test
    void keysHashAsTheGeneratedRecordHashesAndEqualOnlyTheSameTypeAndFields() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            long l = i < 100 ? i : r.nextLong();
            int n = i < 100 ? i : r.nextInt();
            assertThat(new StateKey.Market(n).hashCode()).isEqualTo(new OneInt(n).hashCode());
            assertThat(new StateKey.MarketStats(n).hashCode()).isEqualTo(new OneInt(n).hashCode());
            assertThat(new StateKey.MarketRisk(n).hashCode()).isEqualTo(new OneInt(n).hashCode());
            assertThat(new StateKey.Order(l).hashCode()).isEqualTo(new OneLong(l).hashCode());
            assertThat(new StateKey.Account(l).hashCode()).isEqualTo(new OneLong(l).hashCode());
            assertThat(new StateKey.ArchiveQueue(l).hashCode()).isEqualTo(new OneLong(l).hashCode());
            assertThat(new StateKey.ActiveOrder(n, l).hashCode()).isEqualTo(new IntLong(n, l).hashCode());
            assertThat(new StateKey.Position(l, n).hashCode()).isEqualTo(new LongInt(l, n).hashCode());
            assertThat(new StateKey.AccountName("a" + l).hashCode()).isEqualTo(new OneString("a" + l).hashCode());

            assertThat(new StateKey.Position(l, n)).isEqualTo(new StateKey.Position(l, n))
                    .isNotEqualTo(new StateKey.Position(l + 1, n)).isNotEqualTo(new StateKey.Position(l, n + 1));
            assertThat(new StateKey.ActiveOrder(n, l)).isEqualTo(new StateKey.ActiveOrder(n, l))
                    .isNotEqualTo(new StateKey.ActiveOrder(n + 1, l)).isNotEqualTo(new StateKey.ActiveOrder(n, l + 1));
            assertThat(new StateKey.Order(l)).isEqualTo(new StateKey.Order(l)).isNotEqualTo(new StateKey.Order(l + 1))
                    .isNotEqualTo(new StateKey.Account(l)).isNotEqualTo(new StateKey.ArchiveQueue(l));
            assertThat(new StateKey.Market(n)).isEqualTo(new StateKey.Market(n)).isNotEqualTo(new StateKey.Market(n + 1))
                    .isNotEqualTo(new StateKey.MarketStats(n)).isNotEqualTo(new StateKey.MarketRisk(n));
            assertThat(new StateKey.AccountName("a" + l)).isEqualTo(new StateKey.AccountName("a" + l))
                    .isNotEqualTo(new StateKey.AccountName("b" + l));
        }
        for (StateKey singleton : List.of(new StateKey.Counters(), new StateKey.ChainParams(), new StateKey.ArchiveHead())) {
            assertThat(singleton.hashCode()).isEqualTo(new None().hashCode());
        }
        assertThat(new StateKey.Counters()).isEqualTo(new StateKey.Counters()).isNotEqualTo(new StateKey.ChainParams())
                .isNotEqualTo(new StateKey.ArchiveHead());
        assertThat(new StateKey.Account(5)).isNotEqualTo(null).isNotEqualTo(5L);
    }
}
