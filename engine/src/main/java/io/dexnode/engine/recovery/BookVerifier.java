package io.dexnode.engine.recovery;

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
        long counted = target.counters().activeOrders();
        if (booked != counted) {
            return "books hold " + booked + " orders but state counts " + counted
                    + " resting (an Active order may have lost its index entry)";
        }
        return null;
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
        return compare(target, m, ActiveOrderIndexScan.digest(target.store(), m));
    }

    private static String compare(RecoveryTarget target, int m, BookDigest fromIndex) {
        BookDigest.Accumulator book = new BookDigest.Accumulator();
        target.book(m).forEachOrder((id, owner, side, price, remaining, seq) -> book.add(id, remaining, seq));
        if (!book.result().equals(fromIndex)) {
            return "market " + m + ": book has " + book.count + " orders (digest " + Long.toHexString(book.digest)
                    + "), index has " + fromIndex.count() + " (digest " + Long.toHexString(fromIndex.digest()) + ")";
        }
        return null;
    }
}
