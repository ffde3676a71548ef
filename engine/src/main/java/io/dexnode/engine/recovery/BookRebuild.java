package io.dexnode.engine.recovery;

import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import java.util.List;
import java.util.Map;

/**
 * What rebuilding one market's book from state found: the orders the old book held that state
 * does not rest, those state rests that the book lacked, those both held with different fields
 * (all ascending by id); what is wrong in state itself (index entries naming orders that may not
 * rest, by kind; a rebuild cannot repair those); and whether the rebuilt book still disagrees
 * with the index (null: it agrees).
 */
public record BookRebuild(int marketId, List<Long> onlyInBook, List<Long> onlyInState, List<Long> differing,
                          Map<Inconsistency, List<Long>> stateInconsistencies, String stillDisagrees) {

    /** Whether the rebuilt book agrees with the committed index. */
    public boolean fixed() {
        return stillDisagrees == null;
    }

    /** Whether the market's index entries and order records agreed with each other. */
    public boolean stateConsistent() {
        return stateInconsistencies.isEmpty();
    }

    /** What is wrong in state itself, by kind with the order ids (e.g. {@code cancelled_order [7]}); null if nothing. */
    public String stateProblem() {
        if (stateConsistent()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        stateInconsistencies.forEach((kind, ids) -> sb.append(sb.isEmpty() ? "" : "; ").append(kind.metricName())
                .append(' ').append(shown(ids)));
        return sb.toString();
    }

    /** One line for a log: which orders differed, and what (if anything) is still wrong. */
    public String describe() {
        StringBuilder sb = new StringBuilder("market ").append(marketId).append(": ");
        sb.append(onlyInBook.size()).append(" order(s) only in the book ").append(shown(onlyInBook)).append(", ");
        sb.append(onlyInState.size()).append(" only in state ").append(shown(onlyInState)).append(", ");
        sb.append(differing.size()).append(" differing ").append(shown(differing));
        if (!stateConsistent()) {
            sb.append("; state itself is inconsistent: ").append(stateProblem());
        }
        if (!fixed()) {
            sb.append("; the rebuilt book still disagrees with the index: ").append(stillDisagrees);
        }
        return sb.toString();
    }

    private static String shown(List<Long> ids) {
        return ids.size() > 20 ? ids.subList(0, 20) + " …" : ids.toString();
    }
}
