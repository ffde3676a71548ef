package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrderRecordTest {

    private static OrderRecord random(SplittableRandom rnd) {
        String[] clientIds = {null, "", "c-1", "ünïcødé-✓", "x".repeat(64)};
        OrderStatus status = OrderStatus.values()[rnd.nextInt(OrderStatus.values().length)];
        return new OrderRecord(1 + rnd.nextLong(Long.MAX_VALUE - 1), rnd.nextInt(Integer.MAX_VALUE), rnd.nextLong(1, 1L << 40),
                rnd.nextBoolean() ? Side.BUY : Side.SELL, rnd.nextLong(1, Long.MAX_VALUE), rnd.nextLong(1, 1L << 50),
                rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(1, 1L << 50), rnd.nextLong(0, 1L << 50),
                TimeInForce.values()[rnd.nextInt(TimeInForce.values().length)],
                SelfTradePrevention.values()[rnd.nextInt(SelfTradePrevention.values().length)], status,
                rnd.nextLong(1, Long.MAX_VALUE), rnd.nextLong(0, 1L << 40), rnd.nextLong(0, 1L << 40),
                clientIds[rnd.nextInt(clientIds.length)]);
    }

    @Test
    void inPlaceReadsGiveTheDecodedFieldsAndIsRestingMatchesTheRecord() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 2_000; i++) {
            OrderRecord o = random(rnd);
            ByteBuffer v = ByteBuffer.wrap(o.encode());
            assertThat(OrderRecord.decode(o.encode())).isEqualTo(o);
            OrderRecord.InPlace.check(v);
            assertThat(OrderRecord.InPlace.orderId(v)).isEqualTo(o.orderId());
            assertThat(OrderRecord.InPlace.marketId(v)).isEqualTo(o.marketId());
            assertThat(OrderRecord.InPlace.accountId(v)).isEqualTo(o.accountId());
            assertThat(OrderRecord.InPlace.side(v)).isEqualTo(o.side());
            assertThat(OrderRecord.InPlace.price(v)).isEqualTo(o.price());
            assertThat(OrderRecord.InPlace.remaining(v)).isEqualTo(o.remaining());
            assertThat(OrderRecord.InPlace.prioritySeq(v)).isEqualTo(o.prioritySeq());
            assertThat(OrderRecord.InPlace.clientOrderId(v)).isEqualTo(o.clientOrderId());
            assertThat(OrderRecord.isResting(v)).isEqualTo(o.isActive() && o.remaining() > 0);
        }
    }

    @Test
    void inPlaceCheckRefusesWhatDecodeRefuses() {
        OrderRecord o = random(new SplittableRandom(3)).withStatus(OrderStatus.ACTIVE, 1);
        byte[] good = o.encode();
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] badSide = good.clone();
        badSide[21] = 9;
        byte[] badFormat = good.clone();
        badFormat[0] = 7;
        for (byte[] bad : new byte[][] {truncated, trailing, badSide, badFormat, new byte[0]}) {
            assertThatThrownBy(() -> OrderRecord.decode(bad)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> OrderRecord.InPlace.check(ByteBuffer.wrap(bad))).isInstanceOf(IllegalStateException.class);
        }
    }
}
