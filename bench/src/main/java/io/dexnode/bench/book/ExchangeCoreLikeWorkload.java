package io.dexnode.bench.book;

import io.dexnode.book.BookListener;
import io.dexnode.book.BookReason;
import io.dexnode.book.DoneStatus;
import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates a command stream shaped like exchange-core's published single-book benchmark: a
 * book kept near a target number of resting orders, then a mix of about 12.6 % GTC places,
 * 1.8 % IOC, 7.2 % cancels, 71.2 % price amends toward the last trade price and 7.2 % reduces;
 * prices around the last trade price within ±5 %; sizes 1 + a·b·c with a, b, c uniform in
 * [0, 6) (a cube of a small number, as theirs). The generator drives a real book while it
 * generates, so every cancel, amend and reduce names an order that is resting at that moment and
 * every amend keeps the order's remaining size. Same seed, same stream.
 */
public final class ExchangeCoreLikeWorkload {
    /** The price the stream starts around, in ticks (5 % of it is 5,000 ticks). */
    public static final long BASE_PRICE = 100_000;
    private static final int OWNERS = 1_000;

    /** The prefill that brings an empty book to its resting target, and the measured stream. */
    public record Workload(BookCommands prefill, BookCommands commands, long checksum, int restingAtEnd,
                           long fills, double meanResting) {
    }

    private final SplittableRandom rnd;
    private final OrderBook book;
    private final LiveOrders live = new LiveOrders();
    private final Tracker tracker = new Tracker();
    private long lastTrade = BASE_PRICE;
    private long nextId = 1;

    private ExchangeCoreLikeWorkload(long seed, int resting) {
        this.rnd = new SplittableRandom(seed);
        this.book = new OrderBook(tracker, Math.max(1024, resting * 2));
    }

    /** Generates {@code resting} prefill orders and then {@code commands} measured commands. */
    public static Workload generate(long seed, int commands, int resting) {
        if (commands < 0 || resting < 0) {
            throw new IllegalArgumentException("commands and resting must be >= 0");
        }
        return new ExchangeCoreLikeWorkload(seed, resting).run(commands, resting);
    }

    private Workload run(int commands, int resting) {
        BookCommands prefill = new BookCommands(resting);
        long seq = 0;
        while (book.orderCount() < resting) {
            Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
            long price = passivePrice(side);
            emit(prefill, BookCommands.PLACE_GTC, nextId++, owner(), side, price, size(), seq++);
        }
        tracker.checksum = 0;
        tracker.fills = 0;
        long restingSum = 0;
        BookCommands stream = new BookCommands(commands);
        long seqBase = prefill.size();
        for (int i = 0; i < commands; i++) {
            long seqNow = seqBase + i;
            restingSum += book.orderCount();
            int r = rnd.nextInt(1000);
            if (r < 126 || live.size() == 0) {
                Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                // Above the target, new orders reach further across to bring the count back down.
                boolean aggressive = book.orderCount() > resting && rnd.nextInt(100) < 35;
                long price = aggressive ? aggressivePrice(side) : passivePrice(side);
                emit(stream, BookCommands.PLACE_GTC, nextId++, owner(), side, price, size(), seqNow);
            } else if (r < 144) {
                Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
                emit(stream, BookCommands.PLACE_IOC, nextId++, owner(), side, aggressivePrice(side), size(), seqNow);
            } else if (r < 216) {
                long id = live.pick(rnd);
                emit(stream, BookCommands.CANCEL, id, 0, Side.BUY, 0, 0, seqNow);
            } else if (r < 928) {
                long id = live.pick(rnd);
                long p = book.price(id);
                long d = lastTrade - p;
                Side side = book.side(id);
                long target;
                if (book.orderCount() <= resting) {
                    // Below the resting target: up to half way, and never across the spread.
                    target = p + d * (1 + rnd.nextInt(8)) / 16;
                    target = side == Side.BUY ? Math.min(target, book.bestAsk() - 1) : Math.max(target, book.bestBid() + 1);
                } else {
                    // Above it: up to a little past the last trade, so crossing trades the count down.
                    target = p + d * (8 + rnd.nextInt(10)) / 16;
                }
                if (target == p) {
                    // Nowhere to go toward the last trade: re-quote a few ticks back on its own side.
                    long back = 1 + rnd.nextInt(50);
                    target = side == Side.BUY ? p - back : p + back;
                }
                target = clamp(target);
                emit(stream, BookCommands.AMEND, id, 0, side, target, book.remaining(id), seqNow);
            } else {
                long id = live.pick(rnd);
                long remaining = book.remaining(id);
                for (int tries = 0; tries < 20 && remaining < 2; tries++) {
                    id = live.pick(rnd);
                    remaining = book.remaining(id);
                }
                if (remaining < 2) {
                    emit(stream, BookCommands.CANCEL, id, 0, Side.BUY, 0, 0, seqNow);
                } else {
                    emit(stream, BookCommands.REDUCE, id, 0, Side.BUY, 0, 1 + rnd.nextLong(remaining - 1), seqNow);
                }
            }
        }
        double meanResting = commands == 0 ? book.orderCount() : (double) restingSum / commands;
        return new Workload(prefill, stream, tracker.checksum, book.orderCount(), tracker.fills, meanResting);
    }

    private void emit(BookCommands into, byte kind, long id, int owner, Side side, long price, long qty, long seq) {
        into.add(kind, id, owner, side, price, qty);
        into.applyTo(book, into.size() - 1, into.size(), seq - (into.size() - 1));
    }

    private int owner() {
        return 1 + rnd.nextInt(OWNERS);
    }

    /** Sizes 1 + a·b·c, a, b, c in [0, 6): mostly small, up to 126. */
    private long size() {
        return 1 + (long) rnd.nextInt(6) * rnd.nextInt(6) * rnd.nextInt(6);
    }

    /** On the order's own side of the last trade, up to 5 % away. */
    private long passivePrice(Side side) {
        long offset = 1 + rnd.nextLong(BASE_PRICE / 20);
        return side == Side.BUY
                ? clamp(Math.min(lastTrade - offset, book.bestAsk() - 1))
                : clamp(Math.max(lastTrade + offset, book.bestBid() + 1));
    }

    /** Across the last trade by up to 0.5 %: takes what rests there. */
    private long aggressivePrice(Side side) {
        long offset = rnd.nextLong(BASE_PRICE / 200 + 1);
        return clamp(side == Side.BUY ? lastTrade + offset : lastTrade - offset);
    }

    private static long clamp(long price) {
        long band = BASE_PRICE / 10;
        return Math.max(BASE_PRICE - band, Math.min(BASE_PRICE + band, price));
    }

    /** Follows the generator's book: which ids rest, the last trade price, a checksum of events. */
    private final class Tracker implements BookListener {
        long checksum;
        long fills;

        @Override
        public void onFill(long makerId, long makerOwner, long takerId, long takerOwner, Side takerSide,
                           long price, long size, long makerRemaining, long takerRemaining) {
            lastTrade = price;
            fills++;
            checksum = BookChecksum.fill(checksum, makerId, takerId, price, size);
        }

        @Override
        public void onRested(long orderId, long owner, Side side, long price, long remaining, long prioritySeq) {
            live.add(orderId);
            checksum = BookChecksum.rested(checksum, orderId, price, remaining);
        }

        @Override
        public void onDone(long orderId, long owner, DoneStatus status, BookReason reason, long remaining) {
            live.remove(orderId);
            checksum = BookChecksum.done(checksum, orderId, status, reason, remaining);
        }
    }

    /** The ids resting in the generator's book, for picking one uniformly (swap-remove array). */
    private static final class LiveOrders {
        private long[] ids = new long[1024];
        private final java.util.HashMap<Long, Integer> position = new java.util.HashMap<>();
        private int size;

        int size() {
            return size;
        }

        void add(long id) {
            if (position.containsKey(id)) {
                return;
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            position.put(id, size);
            ids[size++] = id;
        }

        void remove(long id) {
            Integer at = position.remove(id);
            if (at == null) {
                return;
            }
            long last = ids[--size];
            if (at != size) {
                ids[at] = last;
                position.put(last, at);
            }
        }

        long pick(SplittableRandom rnd) {
            return ids[rnd.nextInt(size)];
        }
    }
}
