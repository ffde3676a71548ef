package io.dexnode.engine.recovery;

import io.dexnode.book.BookView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds one market's book from committed state, state being the truth: the market's ActiveOrder
 * entries are read and their orders validated as recovery validates them, the valid ones replace
 * whatever the book held, and the result is verified against the index again. Nothing is written:
 * an inconsistency inside state (an entry naming an order that may not rest) is reported, not
 * repaired, and leaves the rebuilt book disagreeing with the index. Active orders that lost their
 * entry are not looked for here (that needs a pass over all order history; the resting-order count
 * check reports them).
 */
public final class BookRebuilder {
    private BookRebuilder() {
    }

    public static BookRebuild rebuild(RecoveryTarget target, int marketId) {
        TreeMap<Long, RestingOrder> before = new TreeMap<>();
        BookView book = target.book(marketId);
        if (book == null) {
            throw new IllegalArgumentException("market " + marketId + " does not exist");
        }
        book.forEachOrder((id, owner, side, price, remaining, seq) ->
                before.put(id, new RestingOrder(marketId, id, owner, side, price, remaining, seq, target.clientOrderIdOf(id))));
        MarketLoad load = MarketLoad.load(target.store(), marketId);
        RecoveryReport.Builder found = new RecoveryReport.Builder();
        load.report(found, new RepairPlan());
        target.replaceBook(marketId, load.valid);

        List<Long> onlyInState = new ArrayList<>();
        List<Long> differing = new ArrayList<>();
        TreeMap<Long, RestingOrder> after = new TreeMap<>();
        load.valid.forEach(o -> after.put(o.orderId(), o));
        after.forEach((id, o) -> {
            RestingOrder had = before.get(id);
            if (had == null) {
                onlyInState.add(id);
            } else if (!had.equals(o)) {
                differing.add(id);
            }
        });
        List<Long> onlyInBook = new ArrayList<>();
        for (long id : before.keySet()) {
            if (!after.containsKey(id)) {
                onlyInBook.add(id);
            }
        }
        Map<RecoveryReport.Inconsistency, List<Long>> inconsistencies = found.build(0).inconsistencies();
        return new BookRebuild(marketId, List.copyOf(onlyInBook), List.copyOf(onlyInState), List.copyOf(differing),
                inconsistencies, BookVerifier.verifyMarket(target, marketId));
    }
}
