package io.dexnode.node.health;

import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.BookMismatch;
import io.dexnode.engine.recovery.BookRebuild;
import io.dexnode.node.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic check behind readiness: per market the in-memory book equals the committed
 * ActiveOrder index (order count and a digest of id, remaining, priority), and the books hold as
 * many orders as state counts as resting. State is the truth: a market whose book disagrees is
 * rebuilt from state at once, counted ({@code dexnode_book_rebuilds_total}) and logged with the
 * orders that differed, so trading never goes on against a book known to be wrong. What a rebuild
 * cannot fix (state contradicting itself) is the problem returned, and readiness is withdrawn.
 * Runs on the producer thread, between blocks (it reads and rebuilds the books).
 */
public final class ConsistencyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyCheck.class);

    private ConsistencyCheck() {
    }

    /**
     * Checks every market, rebuilds those that disagree and tells {@code rebuilt} which; returns
     * what still disagrees afterwards, or null when every market agrees.
     */
    public static String run(Engine engine, NodeMetrics metrics, IntConsumer rebuilt) {
        List<String> unresolved = new ArrayList<>();
        List<BookMismatch> mismatches = engine.bookMismatches();
        for (BookMismatch mismatch : mismatches) {
            String left = rebuild(engine, mismatch);
            rebuilt.accept(mismatch.marketId());
            metrics.bookRebuilt(); // last: once counted, the rebuild is logged and its depth republished
            if (left != null) {
                unresolved.add(left);
            }
        }
        // Every book was just compared with its index: when all agreed, only the resting count is left
        // to check (the full check again would scan every index a second time, on the block thread).
        String problem = mismatches.isEmpty() ? engine.restingCountProblem() : engine.consistencyProblem();
        if (problem != null && !unresolved.isEmpty()) {
            return String.join("; ", unresolved) + "; " + problem;
        }
        return problem;
    }

    /** Rebuilds one market's book from state and logs what differed; returns what state itself got wrong, or null. */
    private static String rebuild(Engine engine, BookMismatch mismatch) {
        int market = mismatch.marketId();
        BookRebuild r;
        try {
            r = engine.rebuildBookFromState(market);
        } catch (RuntimeException e) {
            LOG.error("book of market {} disagreed with state ({}) and could not be rebuilt from it", market,
                    mismatch.description(), e);
            return "the book of market " + market + " could not be rebuilt from state: " + e.getMessage();
        }
        if (r.fixed()) {
            LOG.warn("book of market {} disagreed with state ({}); rebuilt it from state: {}", market,
                    mismatch.description(), r.describe());
        } else {
            LOG.error("book of market {} disagreed with state ({}); rebuilt from state, it still disagrees: {}",
                    market, mismatch.description(), r.describe());
        }
        return r.stateConsistent() ? null : "state of market " + market + " is inconsistent: its ActiveOrder index"
                + " names orders that may not rest (" + r.stateProblem() + ")";
    }
}
