package io.dexnode.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ActiveOrder index's key and value read in place give what decoding gives, and refuse what it refuses. */
class ActiveOrderEntryTest {

    @Test
    void inPlaceReadsOfTheKeyAndTheEntryGiveTheDecodedFields() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 1_000; i++) {
            StateKey.ActiveOrder key = new StateKey.ActiveOrder(rnd.nextInt(Integer.MAX_VALUE), rnd.nextLong(1, Long.MAX_VALUE));
            ActiveOrderEntry entry = new ActiveOrderEntry(rnd.nextLong(1, Long.MAX_VALUE), rnd.nextLong(1, Long.MAX_VALUE));
            byte[] k = key.encode();
            byte[] v = entry.encode();
            assertThat(k).hasSize(StateKey.ActiveOrder.ENCODED_LENGTH);
            assertThat(v).hasSize(ActiveOrderEntry.ENCODED_LENGTH);
            assertThat(StateKey.ActiveOrder.orderIdOf(ByteBuffer.wrap(k))).isEqualTo(key.orderId());
            ByteBuffer value = ByteBuffer.wrap(v);
            ActiveOrderEntry.checkInPlace(value);
            assertThat(ActiveOrderEntry.prioritySeq(value)).isEqualTo(entry.prioritySeq());
            assertThat(ActiveOrderEntry.remaining(value)).isEqualTo(entry.remaining());
            assertThat(ActiveOrderEntry.decode(v)).isEqualTo(entry);
        }
    }

    @Test
    void inPlaceChecksRefuseWhatDecodingRefuses() {
        byte[] good = new ActiveOrderEntry(3, 4).encode();
        byte[] badFormat = good.clone();
        badFormat[0] = 9;
        for (byte[] bad : new byte[][] {Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1), badFormat}) {
            assertThatThrownBy(() -> ActiveOrderEntry.decode(bad)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ActiveOrderEntry.checkInPlace(ByteBuffer.wrap(bad))).isInstanceOf(IllegalStateException.class);
        }
        byte[] shortKey = Arrays.copyOf(new StateKey.ActiveOrder(1, 2).encode(), StateKey.ActiveOrder.ENCODED_LENGTH - 1);
        assertThatThrownBy(() -> StateKey.ActiveOrder.orderIdOf(ByteBuffer.wrap(shortKey))).isInstanceOf(IllegalStateException.class);
    }
}
