package io.dexnode.engine.recovery;

import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The consistency check: each market's book against its committed ActiveOrder index (count and an
 * order-independent digest of id, remaining, priority), and the books' total against the
 * resting-order count kept in state. Run after every recovery and, by the node, periodically.
 * Markets are independent: they are compared in parallel, and reported in ascending id order.
 */
public final class BookVerifier {
    private BookVerifier() {
    }

    /**
     * Null when every book equals its index and the books hold as many orders as state counts as
     * resting (fewer would mean an Active order lost its index entry); else what differs first.
     */
    public static String consistencyProblem(RecoveryTarget target) {
        String mismatch = verify(target);
        return mismatch != null ? mismatch : restingCountProblem(target);
    }

    /**
     * The second half of {@link #consistencyProblem}, for a caller that has just compared every
     * book with its index: null when the books hold as many orders as state counts as resting.
     */
    public static String restingCountProblem(RecoveryTarget target) {
        long booked = 0;
        for (int m : target.marketIds()) {
            booked += target.book(m).orderCount();
        }
        return restingCountProblem(booked, target.counters().activeOrders());
    }

    private static String restingCountProblem(long booked, long counted) {
        if (booked != counted) {
            return "books hold " + booked + " orders but state counts " + counted
                    + " resting (an Active order may have lost its index entry)";
        }
        return null;
    }

    /**
     * The same check for books captured at a height ({@link BookSnapshotWriter#capture}, which
     * digests each book while it copies it) against a pinned view of state at that height: null
     * when every captured book equals its index and they hold as many orders as the view's
     * counters count as resting, else what differs first. Any thread: neither the books nor the
     * store are read, only the capture and the view (the node runs it off the block thread).
     */
    public static String capturedProblem(BookSnapshotWriter.Captured books, StateStore.DurableView state) {
        if (books.version() != state.version()) {
            throw new IllegalArgumentException("books captured at height " + books.version()
                    + " cannot be checked against state at version " + state.version());
        }
        long booked = 0;
        for (int i = 0; i < books.marketIds().size(); i++) {
            int m = books.marketIds().get(i);
            BookDigest book = books.digests().get(i);
            String differs = differs(m, book, ActiveOrderIndexScan.digest(state::scanPrefixInPlace, m));
            if (differs != null) {
                return differs;
            }
            booked += book.count();
        }
        byte[] raw = state.get(new StateKey.Counters().encode());
        long counted = raw == null ? 0 : CountersRecord.decode(raw).activeOrders();
        return restingCountProblem(booked, counted);
    }

    /** Every market whose book differs from its index, ascending by id; empty when all agree. */
    public static List<BookMismatch> mismatches(RecoveryTarget target) {
        return target.marketIds().parallelStream().map(m -> {
            String problem = verifyMarket(target, m);
            return problem == null ? null : new BookMismatch(m, problem);
        }).filter(Objects::nonNull).toList();
    }

    /** The first market (lowest id) whose book differs from its index, described; null if none. */
    static String verify(RecoveryTarget target) {
        return target.marketIds().parallelStream().map(m -> verifyMarket(target, m))
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** Compares each book with the index entries recovery loaded for it (no repair was committed since). */
    static String verifyAgainst(RecoveryTarget target, Collection<MarketLoad> loads) {
        return loads.parallelStream().map(load -> compare(target, load.marketId, load.indexDigest()))
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    static String verifyMarket(RecoveryTarget target, int m) {
        return compare(target, m, ActiveOrderIndexScan.digest(target.store()::scanPrefixInPlace, m));
    }

    private static String compare(RecoveryTarget target, int m, BookDigest fromIndex) {
        BookDigest.Accumulator book = new BookDigest.Accumulator();
        target.book(m).forEachOrder((id, owner, side, price, remaining, seq) -> book.add(id, remaining, seq));
        return differs(m, book.result(), fromIndex);
    }

    /** Market {@code m}'s book and index digests described where they differ; null when equal. */
    private static String differs(int m, BookDigest book, BookDigest index) {
        if (book.equals(index)) {
            return null;
        }
        return "market " + m + ": book has " + book.count() + " orders (digest " + Long.toHexString(book.digest())
                + "), index has " + index.count() + " (digest " + Long.toHexString(index.digest()) + ")";
    }
}
