package io.dexnode.book;

/** One listener callback as a value, so two books' event streams can be compared with equals. */
sealed interface BookEvent {
    record Fill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                long price, long size, long makerRemaining, long takerRemaining) implements BookEvent {
    }

    record Rested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq)
            implements BookEvent {
    }

    record Done(long orderId, long owner, DoneStatus status, BookReason reason, long remaining)
            implements BookEvent {
    }

    /** One resting order as seen by a walk. */
    record Resting(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
    }
}
