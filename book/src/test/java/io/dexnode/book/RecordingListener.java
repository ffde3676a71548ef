package io.dexnode.book;

import java.util.ArrayList;
import java.util.List;

/** A listener that keeps every event, for tests. */
final class RecordingListener implements BookListener {
    final List<BookEvent> events = new ArrayList<>();

    @Override
    public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                       long price, long size, long makerRemaining, long takerRemaining) {
        events.add(new BookEvent.Fill(makerId, makerOwner, takerId, takerOwner, takerSide, price, size,
                makerRemaining, takerRemaining));
    }

    @Override
    public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        events.add(new BookEvent.Rested(orderId, owner, side, price, remaining, prioritySeq));
    }

    @Override
    public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
        events.add(new BookEvent.Done(orderId, owner, status, reason, remaining));
    }

    List<BookEvent> drain() {
        List<BookEvent> copy = List.copyOf(events);
        events.clear();
        return copy;
    }
}
