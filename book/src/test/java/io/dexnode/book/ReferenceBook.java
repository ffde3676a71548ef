package io.dexnode.book;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately simple order book with the semantics of {@link OrderBook}: a TreeMap of price to
 * a list per side, a HashMap by id, and the rules written out one by one. Slow and obviously
 * right; the randomized test holds the real book to it event by event.
 */
final class ReferenceBook {
    private static final class Order {
        final long id;
        final long owner;
        final Side side;
        long price;
        long remaining;
        long seq;

        Order(long id, long owner, Side side, long price, long remaining, long seq) {
            this.id = id;
            this.owner = owner;
            this.side = side;
            this.price = price;
            this.remaining = remaining;
            this.seq = seq;
        }
    }

    private final BookListener listener;
    private final TreeMap<Long, List<Order>> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<Long, List<Order>> asks = new TreeMap<>();
    private final Map<Long, Order> byId = new HashMap<>();

    ReferenceBook(BookListener listener) {
        this.listener = listener;
    }

    private TreeMap<Long, List<Order>> book(Side side) {
        return side == Side.BUY ? bids : asks;
    }

    private static boolean reaches(Side takerSide, long limit, long makerPrice) {
        return takerSide == Side.BUY ? makerPrice <= limit : makerPrice >= limit;
    }

    private boolean wouldTake(Side side, long price) {
        TreeMap<Long, List<Order>> opposite = book(side.opposite());
        return !opposite.isEmpty() && reaches(side, price, opposite.firstKey());
    }

    private boolean invalid(long id, long owner, long price, long size) {
        BookReason reason = null;
        if (price <= 0) {
            reason = BookReason.INVALID_PRICE;
        } else if (size <= 0) {
            reason = BookReason.INVALID_SIZE;
        } else if (byId.containsKey(id)) {
            reason = BookReason.DUPLICATE_ORDER_ID;
        }
        if (reason == null) {
            return false;
        }
        listener.onDone(id, owner, DoneStatus.REJECTED, reason, Math.max(size, 0));
        return true;
    }

    void place(long id, long owner, Side side, long price, long size, TimeInForce tif,
               SelfTradePrevention stp, long seq) {
        if (invalid(id, owner, price, size)) {
            return;
        }
        if (tif == TimeInForce.POST_ONLY && wouldTake(side, price)) {
            listener.onDone(id, owner, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, size);
            return;
        }
        if (tif == TimeInForce.FOK && fillableSize(side, price, owner, stp, size) < size) {
            listener.onDone(id, owner, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, size);
            return;
        }
        Outcome out = take(id, owner, side, size, price, stp);
        if (out.remaining == 0) {
            listener.onDone(id, owner, DoneStatus.FILLED, BookReason.NONE, 0);
        } else if (out.selfTrade) {
            listener.onDone(id, owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, out.remaining);
        } else if (tif == TimeInForce.GTC || tif == TimeInForce.POST_ONLY) {
            rest(new Order(id, owner, side, price, out.remaining, seq), true);
        } else {
            listener.onDone(id, owner, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, out.remaining);
        }
    }

    void placeMarket(long id, long owner, Side side, long size, long worstPrice, SelfTradePrevention stp) {
        if (invalid(id, owner, worstPrice, size)) {
            return;
        }
        Outcome out = take(id, owner, side, size, worstPrice, stp);
        if (out.remaining == 0) {
            listener.onDone(id, owner, DoneStatus.FILLED, BookReason.NONE, 0);
        } else if (out.selfTrade) {
            listener.onDone(id, owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, out.remaining);
        } else if (book(side.opposite()).isEmpty()) {
            listener.onDone(id, owner, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, out.remaining);
        } else {
            listener.onDone(id, owner, DoneStatus.CANCELLED, BookReason.SLIPPAGE_LIMIT, out.remaining);
        }
    }

    private record Outcome(long remaining, boolean selfTrade) {
    }

    /** Walks the opposite side in priority order, as the rules say, one maker at a time. */
    private Outcome take(long id, long owner, Side side, long size, long limit, SelfTradePrevention stp) {
        TreeMap<Long, List<Order>> opposite = book(side.opposite());
        long remaining = size;
        while (remaining > 0 && !opposite.isEmpty() && reaches(side, limit, opposite.firstKey())) {
            long price = opposite.firstKey();
            List<Order> queue = opposite.get(price);
            Order maker = queue.get(0);
            if (maker.owner == owner && stp != SelfTradePrevention.ALLOW) {
                if (stp == SelfTradePrevention.CANCEL_INCOMING) {
                    return new Outcome(remaining, true);
                }
                removeResting(maker);
                listener.onDone(maker.id, maker.owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, maker.remaining);
                if (stp == SelfTradePrevention.CANCEL_BOTH) {
                    return new Outcome(remaining, true);
                }
                continue;
            }
            long traded = Math.min(remaining, maker.remaining);
            remaining -= traded;
            maker.remaining -= traded;
            if (maker.remaining == 0) {
                removeResting(maker);
            }
            listener.onFill(maker.id, maker.owner, id, owner, side, price, traded, maker.remaining, remaining);
            if (maker.remaining == 0) {
                listener.onDone(maker.id, maker.owner, DoneStatus.FILLED, BookReason.NONE, 0);
            }
        }
        return new Outcome(remaining, false);
    }

    /** A placed order joins its level in sequence order (equal sequences by arrival); an amended one at the back. */
    private void rest(Order o, boolean bySeq) {
        List<Order> queue = book(o.side).computeIfAbsent(o.price, p -> new ArrayList<>());
        int at = queue.size();
        while (bySeq && at > 0 && queue.get(at - 1).seq > o.seq) {
            at--;
        }
        queue.add(at, o);
        byId.put(o.id, o);
        listener.onRested(o.id, o.owner, o.side, o.price, o.remaining, o.seq);
    }

    private void removeResting(Order o) {
        List<Order> queue = book(o.side).get(o.price);
        queue.remove(o);
        if (queue.isEmpty()) {
            book(o.side).remove(o.price);
        }
        byId.remove(o.id);
    }

    boolean cancel(long id) {
        Order o = byId.get(id);
        if (o == null) {
            return false;
        }
        removeResting(o);
        listener.onDone(o.id, o.owner, DoneStatus.CANCELLED, BookReason.CANCELLED_BY_USER, o.remaining);
        return true;
    }

    boolean reduce(long id, long newRemaining) {
        Order o = byId.get(id);
        if (o == null || newRemaining <= 0 || newRemaining >= o.remaining) {
            return false;
        }
        o.remaining = newRemaining;
        return true;
    }

    boolean amend(long id, long newPrice, long newRemaining, long newSeq, SelfTradePrevention stp) {
        Order o = byId.get(id);
        if (o == null || newPrice <= 0 || newRemaining <= 0) {
            return false;
        }
        if (newPrice == o.price && newRemaining <= o.remaining) {
            o.remaining = newRemaining;
            return true;
        }
        removeResting(o);
        Outcome out = take(id, o.owner, o.side, newRemaining, newPrice, stp);
        if (out.remaining == 0) {
            listener.onDone(id, o.owner, DoneStatus.FILLED, BookReason.NONE, 0);
        } else if (out.selfTrade) {
            listener.onDone(id, o.owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, out.remaining);
        } else {
            rest(new Order(id, o.owner, o.side, newPrice, out.remaining, newSeq), false);
        }
        return true;
    }

    void restore(long id, long owner, Side side, long price, long remaining, long seq) {
        if (price <= 0 || remaining <= 0 || byId.containsKey(id) || wouldTake(side, price)) {
            throw new IllegalStateException("corrupt order " + id);
        }
        Order o = new Order(id, owner, side, price, remaining, seq);
        List<Order> queue = book(side).computeIfAbsent(price, p -> new ArrayList<>());
        int at = queue.size();
        while (at > 0 && queue.get(at - 1).seq > seq) {
            at--;
        }
        queue.add(at, o);
        byId.put(id, o);
    }

    void clear() {
        bids.clear();
        asks.clear();
        byId.clear();
    }

    long fillableSize(Side takerSide, long limit, long owner, SelfTradePrevention stp, long wanted) {
        if (wanted <= 0) {
            return 0;
        }
        long sum = 0;
        for (var level : book(takerSide.opposite()).entrySet()) {
            if (!reaches(takerSide, limit, level.getKey())) {
                break;
            }
            for (Order o : level.getValue()) {
                if (o.owner == owner && stp != SelfTradePrevention.ALLOW) {
                    if (stp == SelfTradePrevention.CANCEL_RESTING) {
                        continue;
                    }
                    return Math.min(sum, wanted);
                }
                sum = saturatedAdd(sum, o.remaining);
            }
        }
        return Math.min(sum, wanted);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    long bestBid() {
        return bids.isEmpty() ? Long.MIN_VALUE : bids.firstKey();
    }

    long bestAsk() {
        return asks.isEmpty() ? Long.MAX_VALUE : asks.firstKey();
    }

    int orderCount() {
        return byId.size();
    }

    int levelCount(Side side) {
        return book(side).size();
    }

    long remaining(long id) {
        Order o = byId.get(id);
        return o == null ? 0 : o.remaining;
    }

    /** Aggregated levels best first: [price, size] pairs, sizes saturated. */
    List<long[]> depth(Side side, int maxLevels) {
        List<long[]> out = new ArrayList<>();
        for (var level : book(side).entrySet()) {
            if (out.size() == maxLevels) {
                break;
            }
            long sum = 0;
            for (Order o : level.getValue()) {
                sum = saturatedAdd(sum, o.remaining);
            }
            out.add(new long[] {level.getKey(), sum});
        }
        return out;
    }

    /** Bids best-to-worst, then asks best-to-worst, each level in queue order. */
    List<BookEvent.Resting> l3() {
        List<BookEvent.Resting> out = new ArrayList<>();
        for (var side : List.of(bids, asks)) {
            for (List<Order> queue : side.values()) {
                for (Order o : queue) {
                    out.add(new BookEvent.Resting(o.id, o.owner, o.side, o.price, o.remaining, o.seq));
                }
            }
        }
        return out;
    }

    /** The orders of one level in queue order; empty if there is no such level. */
    List<BookEvent.Resting> level(Side side, long price) {
        List<BookEvent.Resting> out = new ArrayList<>();
        for (Order o : book(side).getOrDefault(price, List.of())) {
            out.add(new BookEvent.Resting(o.id, o.owner, o.side, o.price, o.remaining, o.seq));
        }
        return out;
    }

    /** A resting order as a walk sees it, or null. */
    BookEvent.Resting resting(long id) {
        Order o = byId.get(id);
        return o == null ? null : new BookEvent.Resting(o.id, o.owner, o.side, o.price, o.remaining, o.seq);
    }

    /** Ids currently resting, in L3 order (deterministic, unlike the HashMap's). */
    List<Long> restingIds() {
        return l3().stream().map(BookEvent.Resting::orderId).toList();
    }
}
