package io.dexnode.bench.book;

import io.dexnode.book.BookListener;
import io.dexnode.book.BookReason;
import io.dexnode.book.DoneStatus;
import io.dexnode.book.Side;

/**
 * A running hash of a book's events: the benchmark replays a stream many times and checks that
 * every replay produced exactly the events of the generation run, so a fast but wrong replay
 * cannot pass unnoticed, and the JIT cannot discard the work.
 */
public final class BookChecksum implements BookListener {
    private long value;

    public long value() {
        return value;
    }

    public void reset() {
        value = 0;
    }

    static long mix(long h, long x) {
        long v = (h ^ x) * 0x9E3779B97F4A7C15L;
        return v ^ (v >>> 29);
    }

    static long fill(long h, long makerId, long takerId, long price, long size) {
        return mix(mix(mix(mix(mix(h, 1), makerId), takerId), price), size);
    }

    static long rested(long h, long orderId, long price, long remaining) {
        return mix(mix(mix(mix(h, 2), orderId), price), remaining);
    }

    static long done(long h, long orderId, DoneStatus status, BookReason reason, long remaining) {
        return mix(mix(mix(mix(h, 3), orderId), status.ordinal() * 64L + reason.ordinal()), remaining);
    }

    @Override
    public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                       long price, long size, long makerRemaining, long takerRemaining) {
        value = fill(value, makerId, takerId, price, size);
    }

    @Override
    public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        value = rested(value, orderId, price, remaining);
    }

    @Override
    public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
        value = done(value, orderId, status, reason, remaining);
    }
}
