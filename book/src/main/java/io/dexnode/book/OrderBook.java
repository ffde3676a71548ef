package io.dexnode.book;

import java.util.Arrays;
import java.util.Objects;

/**
 * One market's limit order book and its matching: price-time priority, GTC/IOC/FOK/post-only,
 * market-style takers with a slippage bound, self-trade prevention, reduce and amend, and the
 * queries the engine and the snapshot writer need.
 *
 * <p>Invariants kept after every command: the book is not crossed (best bid &lt; best ask); every
 * resting order has remaining &gt; 0 and sits in exactly one level of its side, queued by priority
 * sequence on place and restore (equal sequences in arrival order), at the back on amend; a level
 * exists iff it holds an order; a level's total equals the sum of its orders' remaining sizes.
 *
 * <p>Why it looks the way it does: orders live in one {@code long[]} (eight fields per order, no
 * object per order), found by id through a primitive hash map (O(1) cancel), linked into their
 * level's FIFO queue by int indexes; levels live in {@link PriceLevels}, indexed by a radix
 * tree over prices. Freed order slots and
 * levels are recycled, so a warm book allocates nothing per command. Every outcome goes to the
 * {@link BookListener} synchronously, as primitives. Bad input is an event or a {@code false},
 * never an exception. The listener must not call back into the book.
 *
 * <p>Not thread-safe: one book belongs to one thread (the engine's execution thread).
 */
public final class OrderBook implements BookView {
    private static final int NIL = PriceLevels.NIL;
    private static final int DEFAULT_EXPECTED_ORDERS = 1024;
    /** The most resting orders one book holds (its arrays are int-indexed). */
    public static final int MAX_ORDERS = 1 << 27;

    // Order record layout in {@link #orders}: STRIDE longs per order slot.
    private static final int STRIDE = 8;
    private static final int ID = 0;
    private static final int OWNER = 1;
    private static final int PRICE = 2;
    private static final int REMAINING = 3;
    private static final int SEQ = 4;
    private static final int NEXT = 5;
    private static final int PREV = 6;
    /** Level index shifted left by one, the low bit set for SELL. */
    private static final int LEVEL = 7;

    // Why matching stopped with a remainder.
    private static final int STOP_NO_LIQUIDITY = 0;
    private static final int STOP_LIMIT = 1;
    private static final int STOP_SELF_TRADE = 2;

    private final BookListener listener;
    private final PriceLevels bids;
    private final PriceLevels asks;
    private final LongToIntMap index;

    private long[] orders;
    private int highWater;
    private int freeHead = NIL;
    private int orderCount;
    /** Set by {@link #match}: why it stopped before filling the taker. */
    private int stop;
    private final BookView view = new ReadOnlyBook(this);

    /** A book sized for a modest number of resting orders; it grows as needed. */
    public OrderBook(BookListener listener) {
        this(listener, DEFAULT_EXPECTED_ORDERS);
    }

    /** A book pre-sized for {@code expectedOrders} resting orders, to avoid growth on the hot path. */
    public OrderBook(BookListener listener, int expectedOrders) {
        this.listener = Objects.requireNonNull(listener, "listener");
        int expected = Math.max(16, Math.min(expectedOrders, MAX_ORDERS));
        orders = new long[Math.multiplyExact(expected, STRIDE)];
        index = new LongToIntMap(expected);
        int levels = Math.max(16, Math.min(expected, 1 << 16));
        bids = new PriceLevels(Side.BUY, levels);
        asks = new PriceLevels(Side.SELL, levels);
    }

    // ------------------------------------------------------------------ commands

    /**
     * Limit order. {@code prioritySeq} is its time priority if it rests: the remainder joins its
     * level's queue in sequence order (callers give increasing sequences, so that is the back).
     * Refusals, in this order of checks: price &le; 0 (INVALID_PRICE), size &le; 0 (INVALID_SIZE),
     * id already resting (DUPLICATE_ORDER_ID), then FOK_NOT_FILLABLE or POST_ONLY_WOULD_CROSS; a
     * refusal's {@code remaining} is {@code max(size, 0)}. A null {@code stp} means the default,
     * {@link SelfTradePrevention#CANCEL_RESTING}.
     */
    public void place(long orderId, long owner, Side side, long price, long size,
                      TimeInForce tif, SelfTradePrevention stp, long prioritySeq) {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(tif, "tif");
        if (stp == null) {
            stp = SelfTradePrevention.CANCEL_RESTING;
        }
        if (rejected(orderId, owner, price, size)) {
            return;
        }
        switch (tif) {
            case POST_ONLY -> {
                if (wouldTake(side, price)) {
                    listener.onDone(orderId, owner, DoneStatus.REJECTED, BookReason.POST_ONLY_WOULD_CROSS, size);
                    return;
                }
            }
            case FOK -> {
                if (fillableSize(side, price, owner, stp, size) < size) {
                    listener.onDone(orderId, owner, DoneStatus.REJECTED, BookReason.FOK_NOT_FILLABLE, size);
                    return;
                }
            }
            default -> {
            }
        }
        long remaining = takeIfCrossing(orderId, owner, side, size, price, stp);
        if (remaining == 0) {
            listener.onDone(orderId, owner, DoneStatus.FILLED, BookReason.NONE, 0);
        } else if (stop == STOP_SELF_TRADE) {
            listener.onDone(orderId, owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, remaining);
        } else if (tif == TimeInForce.GTC || tif == TimeInForce.POST_ONLY) {
            int slot = allocate();
            writeOrder(slot, orderId, owner, price, remaining, prioritySeq);
            index.put(orderId, slot);
            enqueueBySeq(side == Side.BUY ? bids : asks, slot, price, prioritySeq);
            listener.onRested(orderId, owner, side, price, remaining, prioritySeq);
        } else {
            listener.onDone(orderId, owner, DoneStatus.CANCELLED, BookReason.IOC_REMAINDER, remaining);
        }
    }

    /**
     * Market-style taker: IOC without a limit, but it never trades at a price worse than
     * {@code worstPrice} (BUY: a level above it stops; SELL: a level below it stops), and then
     * ends with SLIPPAGE_LIMIT; an emptied opposite side ends it with IOC_REMAINDER. Refused with
     * INVALID_PRICE if worstPrice &le; 0 (pass 1 for an unbounded sell, Long.MAX_VALUE for an
     * unbounded buy), INVALID_SIZE, DUPLICATE_ORDER_ID as for {@link #place}.
     */
    public void placeMarket(long orderId, long owner, Side side, long size, long worstPrice,
                            SelfTradePrevention stp) {
        Objects.requireNonNull(side, "side");
        if (stp == null) {
            stp = SelfTradePrevention.CANCEL_RESTING;
        }
        if (rejected(orderId, owner, worstPrice, size)) {
            return;
        }
        long remaining = match(orderId, owner, side, size, worstPrice, stp);
        if (remaining == 0) {
            listener.onDone(orderId, owner, DoneStatus.FILLED, BookReason.NONE, 0);
            return;
        }
        BookReason reason = switch (stop) {
            case STOP_SELF_TRADE -> BookReason.SELF_TRADE;
            case STOP_LIMIT -> BookReason.SLIPPAGE_LIMIT;
            default -> BookReason.IOC_REMAINDER;
        };
        listener.onDone(orderId, owner, DoneStatus.CANCELLED, reason, remaining);
    }

    /** Removes a resting order: onDone(CANCELLED, CANCELLED_BY_USER). False, and no event, if unknown. */
    public boolean cancel(long orderId) {
        int slot = index.remove(orderId);
        if (slot == NIL) {
            return false;
        }
        long[] o = orders;
        int base = slot * STRIDE;
        long owner = o[base + OWNER];
        long remaining = o[base + REMAINING];
        unlink(slot);
        release(slot);
        listener.onDone(orderId, owner, DoneStatus.CANCELLED, BookReason.CANCELLED_BY_USER, remaining);
        return true;
    }

    /**
     * Lowers the remaining size to {@code newRemaining} (0 &lt; newRemaining &lt; remaining),
     * keeping the order's place in its queue. False if unknown or invalid. Emits no event.
     */
    public boolean reduce(long orderId, long newRemaining) {
        int slot = index.get(orderId);
        if (slot == NIL) {
            return false;
        }
        long[] o = orders;
        int base = slot * STRIDE;
        long remaining = o[base + REMAINING];
        if (newRemaining <= 0 || newRemaining >= remaining) {
            return false;
        }
        o[base + REMAINING] = newRemaining;
        levelsOf(slot).subtractTotal(levelOf(slot), remaining - newRemaining);
        return true;
    }

    /**
     * Amend: new price and/or new remaining size. If the price is unchanged and newRemaining &le;
     * remaining it is a reduce (keeps priority, no event). Otherwise the order leaves its place and
     * is re-placed as GTC at newPrice with newRemaining and newPrioritySeq: it may match as a taker
     * first (its events carry its id), then rests at the back of its level (onRested), or ends
     * with onDone(FILLED) or onDone(CANCELLED, SELF_TRADE). False, and no event, if the order is
     * unknown, newPrice &le; 0 or newRemaining &le; 0.
     */
    public boolean amend(long orderId, long newPrice, long newRemaining, long newPrioritySeq,
                         SelfTradePrevention stp) {
        int slot = index.get(orderId);
        if (slot == NIL || newPrice <= 0 || newRemaining <= 0) {
            return false;
        }
        if (stp == null) {
            stp = SelfTradePrevention.CANCEL_RESTING;
        }
        long[] o = orders;
        int base = slot * STRIDE;
        long remaining = o[base + REMAINING];
        if (newPrice == o[base + PRICE] && newRemaining <= remaining) {
            if (newRemaining < remaining) {
                o[base + REMAINING] = newRemaining;
                levelsOf(slot).subtractTotal(levelOf(slot), remaining - newRemaining);
            }
            return true;
        }
        Side side = sideOf(slot);
        long owner = o[base + OWNER];
        // The slot stays mapped to the id while its order, out of every queue, acts as the taker.
        unlink(slot);
        long left = takeIfCrossing(orderId, owner, side, newRemaining, newPrice, stp);
        if (left == 0) {
            index.remove(orderId);
            release(slot);
            listener.onDone(orderId, owner, DoneStatus.FILLED, BookReason.NONE, 0);
        } else if (stop == STOP_SELF_TRADE) {
            index.remove(orderId);
            release(slot);
            listener.onDone(orderId, owner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, left);
        } else {
            o = orders;
            o[base + PRICE] = newPrice;
            o[base + REMAINING] = left;
            o[base + SEQ] = newPrioritySeq;
            append(side == Side.BUY ? bids : asks, slot, newPrice);
            listener.onRested(orderId, owner, side, newPrice, left, newPrioritySeq);
        }
        return true;
    }

    /**
     * Recovery: puts a resting order back without matching and without events. Orders of one
     * level may be restored in any order; the queue is kept ordered by prioritySeq (equal
     * sequences keep restore order). Throws IllegalStateException if the order would cross the
     * opposite side, duplicates an id, or has price or remaining &le; 0: recovery treats all of
     * these as corruption.
     */
    public void restore(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
        Objects.requireNonNull(side, "side");
        if (price <= 0 || remaining <= 0) {
            throw new IllegalStateException("restore of order " + orderId + ": price " + price
                    + " and remaining " + remaining + " must be positive");
        }
        if (index.get(orderId) != NIL) {
            throw new IllegalStateException("restore of order " + orderId + ": id already in the book");
        }
        if (wouldTake(side, price)) {
            throw new IllegalStateException("restore of order " + orderId + ": " + side + " at " + price
                    + " would cross the book (best bid " + bestBid() + ", best ask " + bestAsk() + ")");
        }
        int slot = allocate();
        writeOrder(slot, orderId, owner, price, remaining, prioritySeq);
        index.put(orderId, slot);
        enqueueBySeq(side == Side.BUY ? bids : asks, slot, price, prioritySeq);
    }

    /** Removes every order and level, without events. */
    public void clear() {
        index.clear();
        bids.clear();
        asks.clear();
        highWater = 0;
        freeHead = NIL;
        orderCount = 0;
    }

    // ------------------------------------------------------------------ queries

    /** This book, read-only: what may be handed to code that must not change it. */
    public BookView view() {
        return view;
    }

    /** The best bid price, or Long.MIN_VALUE if there are no bids. */
    public long bestBid() {
        return bids.best == NIL ? Long.MIN_VALUE : bids.price[bids.best];
    }

    /** The best ask price, or Long.MAX_VALUE if there are no asks. */
    public long bestAsk() {
        return asks.best == NIL ? Long.MAX_VALUE : asks.price[asks.best];
    }

    public int orderCount() {
        return orderCount;
    }

    public int levelCount(Side side) {
        return levels(side).count();
    }

    public boolean contains(long orderId) {
        return index.get(orderId) != NIL;
    }

    /** The remaining size of a resting order, 0 if unknown. */
    public long remaining(long orderId) {
        return field(orderId, REMAINING);
    }

    /** The price of a resting order, 0 if unknown. */
    public long price(long orderId) {
        return field(orderId, PRICE);
    }

    /** The side of a resting order, null if unknown. */
    public Side side(long orderId) {
        int slot = index.get(orderId);
        return slot == NIL ? null : sideOf(slot);
    }

    /** The owner of a resting order, 0 if unknown. */
    public long owner(long orderId) {
        return field(orderId, OWNER);
    }

    /** The priority sequence of a resting order, 0 if unknown. */
    public long prioritySeq(long orderId) {
        return field(orderId, SEQ);
    }

    /**
     * Up to {@code maxLevels} aggregated levels of one side, best first, as {@code [price, size]}
     * pairs. Allocates: for queries and market data, not for the matching path.
     */
    public long[][] depthLevels(Side side, int maxLevels) {
        int n = Math.max(0, Math.min(maxLevels, levelCount(side)));
        long[] prices = new long[n];
        long[] sizes = new long[n];
        int got = depth(side, n, prices, sizes);
        long[][] out = new long[got][];
        for (int i = 0; i < got; i++) {
            out[i] = new long[] {prices[i], sizes[i]};
        }
        return out;
    }

    /**
     * Up to maxLevels aggregated levels of one side, best first, into prices[i]/sizes[i] (sizes
     * saturate at Long.MAX_VALUE); returns the count written, bounded by the arrays' lengths.
     */
    public int depth(Side side, int maxLevels, long[] prices, long[] sizes) {
        PriceLevels levels = levels(side);
        int max = Math.min(maxLevels, Math.min(prices.length, sizes.length));
        int n = 0;
        for (int lvl = levels.best; lvl != NIL && n < max; lvl = levels.worse[lvl]) {
            prices[n] = levels.price[lvl];
            sizes[n] = levels.total(lvl);
            n++;
        }
        return n;
    }

    /** The total remaining size at one price of one side (saturated), 0 if there is no level. */
    public long sizeAtPrice(Side side, long price) {
        PriceLevels levels = levels(side);
        int lvl = levels.find(price);
        return lvl == NIL ? 0 : levels.total(lvl);
    }

    /** Orders of one level in queue order; nothing if there is no such level. */
    public void forEachOrderAtLevel(Side side, long price, OrderVisitor visitor) {
        PriceLevels levels = levels(side);
        int lvl = levels.find(price);
        if (lvl != NIL) {
            visitLevel(levels, lvl, visitor);
        }
    }

    /** Full L3 walk: bids best-to-worst then asks best-to-worst, each level in queue order. */
    public void forEachOrder(OrderVisitor visitor) {
        for (int lvl = bids.best; lvl != NIL; lvl = bids.worse[lvl]) {
            visitLevel(bids, lvl, visitor);
        }
        for (int lvl = asks.best; lvl != NIL; lvl = asks.worse[lvl]) {
            visitLevel(asks, lvl, visitor);
        }
    }

    /**
     * Liquidity available to a taker of side {@code takerSide} up to limitPrice (inclusive),
     * honoring self-trade prevention for owner as FOK does: CANCEL_RESTING skips the owner's
     * orders, CANCEL_INCOMING and CANCEL_BOTH count only liquidity before the owner's first order,
     * ALLOW counts all. Returns min(available, wanted), 0 if wanted &le; 0; it stops walking once
     * wanted is reached.
     */
    public long fillableSize(Side takerSide, long limitPrice, long owner, SelfTradePrevention stp, long wanted) {
        if (wanted <= 0) {
            return 0;
        }
        if (stp == null) {
            stp = SelfTradePrevention.CANCEL_RESTING;
        }
        PriceLevels levels = takerSide == Side.BUY ? asks : bids;
        long[] o = orders;
        long sum = 0;
        for (int lvl = levels.best; lvl != NIL; lvl = levels.worse[lvl]) {
            if (levels.isBetter(limitPrice, levels.price[lvl])) {
                break;
            }
            if (stp == SelfTradePrevention.ALLOW) {
                sum = saturatedAdd(sum, levels.total(lvl));
                if (sum >= wanted) {
                    return wanted;
                }
                continue;
            }
            for (int slot = levels.head[lvl]; slot != NIL; slot = (int) o[slot * STRIDE + NEXT]) {
                int base = slot * STRIDE;
                if (o[base + OWNER] == owner) {
                    if (stp == SelfTradePrevention.CANCEL_RESTING) {
                        continue;
                    }
                    return sum;
                }
                sum = saturatedAdd(sum, o[base + REMAINING]);
                if (sum >= wanted) {
                    return wanted;
                }
            }
        }
        return sum;
    }

    // ------------------------------------------------------------------ matching

    /**
     * Takes liquidity from the opposite side for a taker with the given limit until it is filled,
     * the opposite side is empty (STOP_NO_LIQUIDITY), the next level is beyond the limit
     * (STOP_LIMIT) or self-trade prevention ends the taker (STOP_SELF_TRADE). Emits the makers'
     * events; the caller emits the taker's. Returns the taker's remaining size.
     */
    private long match(long takerId, long takerOwner, Side takerSide, long size, long limit,
                       SelfTradePrevention stp) {
        PriceLevels levels = takerSide == Side.BUY ? asks : bids;
        BookListener events = listener;
        long remaining = size;
        int stopReason = STOP_NO_LIQUIDITY;
        int lvl = levels.best;
        while (lvl != NIL) {
            long levelPrice = levels.price[lvl];
            if (levels.isBetter(limit, levelPrice)) {
                stopReason = STOP_LIMIT;
                break;
            }
            int slot = levels.head[lvl];
            boolean selfTradeStop = false;
            while (slot != NIL && remaining > 0) {
                long[] o = orders;
                int base = slot * STRIDE;
                int next = (int) o[base + NEXT];
                long makerOwner = o[base + OWNER];
                long makerId = o[base + ID];
                long makerRemaining = o[base + REMAINING];
                if (makerOwner == takerOwner && stp != SelfTradePrevention.ALLOW) {
                    if (stp == SelfTradePrevention.CANCEL_INCOMING) {
                        selfTradeStop = true;
                        break;
                    }
                    removeFromLevel(levels, lvl, slot);
                    index.remove(makerId);
                    release(slot);
                    events.onDone(makerId, makerOwner, DoneStatus.CANCELLED, BookReason.SELF_TRADE, makerRemaining);
                    if (stp == SelfTradePrevention.CANCEL_BOTH) {
                        selfTradeStop = true;
                        break;
                    }
                    slot = next;
                    continue;
                }
                long traded = Math.min(remaining, makerRemaining);
                remaining -= traded;
                makerRemaining -= traded;
                if (makerRemaining == 0) {
                    removeFromLevel(levels, lvl, slot);
                    index.remove(makerId);
                    release(slot);
                } else {
                    o[base + REMAINING] = makerRemaining;
                    levels.subtractTotal(lvl, traded);
                }
                events.onFill(makerId, makerOwner, takerId, takerOwner, takerSide, levelPrice, traded,
                        makerRemaining, remaining);
                if (makerRemaining == 0) {
                    events.onDone(makerId, makerOwner, DoneStatus.FILLED, BookReason.NONE, 0);
                }
                slot = next;
            }
            int worse = levels.worse[lvl];
            if (levels.head[lvl] == NIL) {
                levels.remove(lvl);
            }
            if (selfTradeStop) {
                stopReason = STOP_SELF_TRADE;
                break;
            }
            if (remaining == 0) {
                break;
            }
            lvl = worse;
        }
        stop = stopReason;
        return remaining;
    }

    /** Matches only if the limit crosses the opposite best; sets {@link #stop} either way. */
    private long takeIfCrossing(long takerId, long takerOwner, Side takerSide, long size, long limit,
                                SelfTradePrevention stp) {
        if (wouldTake(takerSide, limit)) {
            return match(takerId, takerOwner, takerSide, size, limit, stp);
        }
        stop = STOP_LIMIT;
        return size;
    }

    /** True if a taker of side at price would meet the opposite best (equal prices cross). */
    private boolean wouldTake(Side side, long price) {
        return side == Side.BUY
                ? asks.best != NIL && asks.price[asks.best] <= price
                : bids.best != NIL && bids.price[bids.best] >= price;
    }

    private boolean rejected(long orderId, long owner, long price, long size) {
        BookReason reason;
        if (price <= 0) {
            reason = BookReason.INVALID_PRICE;
        } else if (size <= 0) {
            reason = BookReason.INVALID_SIZE;
        } else if (index.get(orderId) != NIL) {
            reason = BookReason.DUPLICATE_ORDER_ID;
        } else {
            return false;
        }
        listener.onDone(orderId, owner, DoneStatus.REJECTED, reason, Math.max(size, 0));
        return true;
    }

    // ------------------------------------------------------------------ order store and queues

    private int allocate() {
        orderCount++;
        if (freeHead != NIL) {
            int slot = freeHead;
            freeHead = (int) orders[slot * STRIDE + NEXT];
            return slot;
        }
        if ((long) (highWater + 1) * STRIDE > orders.length) {
            long grown = Math.min((long) orders.length * 2, MAX_ORDERS * STRIDE);
            if (grown <= orders.length) {
                orderCount--;
                throw new IllegalStateException("order book is full: " + MAX_ORDERS + " resting orders");
            }
            orders = Arrays.copyOf(orders, (int) grown);
        }
        return highWater++;
    }

    private void release(int slot) {
        orderCount--;
        orders[slot * STRIDE + NEXT] = freeHead;
        freeHead = slot;
    }

    private void writeOrder(int slot, long orderId, long owner, long price, long remaining, long seq) {
        long[] o = orders;
        int base = slot * STRIDE;
        o[base + ID] = orderId;
        o[base + OWNER] = owner;
        o[base + PRICE] = price;
        o[base + REMAINING] = remaining;
        o[base + SEQ] = seq;
    }

    /** Appends a slot (its fields written) at the tail of the level at price, creating the level. */
    private void append(PriceLevels levels, int slot, long price) {
        int lvl = levels.findOrCreate(price);
        insertAfter(levels, lvl, slot, levels.tail[lvl], levels.side);
    }

    /**
     * Links a slot (its fields written) into the level at price after the last order whose sequence
     * is not above seq, creating the level: the queue stays ordered by priority sequence, as
     * recovery rebuilds it. With increasing sequences that is the tail, found in one step.
     */
    private void enqueueBySeq(PriceLevels levels, int slot, long price, long seq) {
        int lvl = levels.findOrCreate(price);
        long[] o = orders;
        int after = levels.tail[lvl];
        while (after != NIL && o[after * STRIDE + SEQ] > seq) {
            after = (int) o[after * STRIDE + PREV];
        }
        insertAfter(levels, lvl, slot, after, levels.side);
    }

    /** Links slot into lvl's queue after {@code after} (NIL: at the head). */
    private void insertAfter(PriceLevels levels, int lvl, int slot, int after, Side side) {
        long[] o = orders;
        int base = slot * STRIDE;
        int next = after == NIL ? levels.head[lvl] : (int) o[after * STRIDE + NEXT];
        o[base + PREV] = after;
        o[base + NEXT] = next;
        o[base + LEVEL] = ((long) lvl << 1) | (side == Side.SELL ? 1 : 0);
        if (after == NIL) {
            levels.head[lvl] = slot;
        } else {
            o[after * STRIDE + NEXT] = slot;
        }
        if (next == NIL) {
            levels.tail[lvl] = slot;
        } else {
            o[next * STRIDE + PREV] = slot;
        }
        levels.addTotal(lvl, o[base + REMAINING]);
    }

    /** Takes a slot out of its level's queue, removing the level if it empties. */
    private void unlink(int slot) {
        PriceLevels levels = levelsOf(slot);
        int lvl = levelOf(slot);
        removeFromLevel(levels, lvl, slot);
        if (levels.head[lvl] == NIL) {
            levels.remove(lvl);
        }
    }

    /** Takes a slot out of its level's queue; the level stays even if it empties. */
    private void removeFromLevel(PriceLevels levels, int lvl, int slot) {
        long[] o = orders;
        int base = slot * STRIDE;
        int prev = (int) o[base + PREV];
        int next = (int) o[base + NEXT];
        if (prev == NIL) {
            levels.head[lvl] = next;
        } else {
            o[prev * STRIDE + NEXT] = next;
        }
        if (next == NIL) {
            levels.tail[lvl] = prev;
        } else {
            o[next * STRIDE + PREV] = prev;
        }
        levels.subtractTotal(lvl, o[base + REMAINING]);
    }

    private int levelOf(int slot) {
        return (int) (orders[slot * STRIDE + LEVEL] >>> 1);
    }

    private Side sideOf(int slot) {
        return (orders[slot * STRIDE + LEVEL] & 1) == 0 ? Side.BUY : Side.SELL;
    }

    private PriceLevels levelsOf(int slot) {
        return (orders[slot * STRIDE + LEVEL] & 1) == 0 ? bids : asks;
    }

    private PriceLevels levels(Side side) {
        return side == Side.BUY ? bids : asks;
    }

    private long field(long orderId, int field) {
        int slot = index.get(orderId);
        return slot == NIL ? 0 : orders[slot * STRIDE + field];
    }

    private void visitLevel(PriceLevels levels, int lvl, OrderVisitor visitor) {
        Side side = levels.side;
        long price = levels.price[lvl];
        for (int slot = levels.head[lvl]; slot != NIL; ) {
            long[] o = orders;
            int base = slot * STRIDE;
            int next = (int) o[base + NEXT];
            visitor.visit(o[base + ID], o[base + OWNER], side, price, o[base + REMAINING], o[base + SEQ]);
            slot = next;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** Radix tree nodes of one side's price index, for tests. */
    int indexNodes(Side side) {
        return levels(side).indexNodes();
    }
}
