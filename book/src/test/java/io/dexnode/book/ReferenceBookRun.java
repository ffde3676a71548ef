package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeded stream of every command, applied to an {@link OrderBook} and a {@link ReferenceBook}:
 * all TIFs and self-trade modes, market orders, cancels, reduces, amends, restores, clears and bad
 * input. Every event, every return value, the best prices and the order count must agree after
 * every command; the depth and the L3 walk are compared every 250 commands and at the end, and
 * every order's remaining size at the end.
 */
final class ReferenceBookRun {
    private static final Side[] SIDES = Side.values();
    private static final TimeInForce[] TIFS = TimeInForce.values();
    private static final SelfTradePrevention[] STPS = SelfTradePrevention.values();
    /** Edges of the price radix tree's digit widths, and of the long range. */
    private static final long[] EXTREME_PRICES = {1, 2, 63, 64, 4095, 4096, (1L << 36) - 1, 1L << 36, 1L << 62,
        Long.MAX_VALUE - 1, Long.MAX_VALUE};

    /** Where limit prices fall. */
    enum Prices {
        /** Each side mostly on its own half of 24 ticks around a drifting centre, sometimes reaching across. */
        AROUND_1000(1_000),
        /**
         * Each side on the two ticks next to the centre on its own half, one price in eight one tick
         * across: two levels a side, where queues build up several orders deep.
         */
        LONG_QUEUES(1_000),
        /** As around 1000, up against Long.MAX_VALUE. */
        NEAR_LONG_MAX(Long.MAX_VALUE - 30),
        /** As around 1000, near 1: the centre may drift down to 5, where the lowest buys are not valid prices. */
        NEAR_ZERO(25),
        /** As around 1000, and one price in ten from {@link #EXTREME_PRICES}. */
        WITH_EXTREMES(1_000);

        final long startCentre;

        Prices(long startCentre) {
            this.startCentre = startCentre;
        }
    }

    /**
     * What the stream looks like. {@code hugeSizes}: three sizes in ten near Long.MAX_VALUE / 3, so
     * sums saturate. {@code queueCommands}: one command in ten, while the book has orders, cancels,
     * reduces or amends the head, the tail or (one time in four) the middle of the queue at a best
     * price, or amends it to the same price with a larger size (which loses its priority).
     */
    record Shape(Prices prices, boolean hugeSizes, boolean queueCommands) {}

    /** What the stream exercised, for the caller to require. */
    record Coverage(EnumSet<BookReason> reasons, int fills, int rests) {}

    private final SplittableRandom rnd;
    private final Shape shape;
    private long centre;
    /** Every id handed out so far, in order, and the next fresh one. */
    private final List<Long> ids = new ArrayList<>();
    private long nextId = 1;

    private ReferenceBookRun(long seed, Shape shape) {
        this.rnd = new SplittableRandom(seed);
        this.shape = shape;
        this.centre = shape.prices().startCentre;
    }

    static Coverage run(long seed, Shape shape, int commands) {
        try {
            return new ReferenceBookRun(seed, shape).run(commands);
        } catch (AssertionError | RuntimeException e) {
            // Surefire names a parameterized case only by its index: say which stream failed.
            throw new AssertionError(shape + ", seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private Coverage run(int commands) {
        RecordingListener realEvents = new RecordingListener();
        RecordingListener refEvents = new RecordingListener();
        // A small initial capacity makes the real book grow its arrays and maps during the run.
        OrderBook real = new OrderBook(realEvents, 4);
        ReferenceBook ref = new ReferenceBook(refEvents);
        long seq = 1;
        EnumSet<BookReason> reasons = EnumSet.noneOf(BookReason.class);
        int fills = 0;
        int rests = 0;
        for (int step = 0; step < commands; step++) {
            String what;
            int kind = rnd.nextInt(100);
            if (kind < 35) {
                long id = takeId(4);
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long price = price(side);
                long size = size();
                TimeInForce tif = TIFS[rnd.nextInt(10) < 6 ? 0 : rnd.nextInt(TIFS.length)];
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "place " + id + " " + owner + " " + side + " " + price + " " + size + " " + tif + " " + stp;
                real.place(id, owner, side, price, size, tif, stp, seq);
                ref.place(id, owner, side, price, size, tif, stp, seq);
                seq++;
            } else if (kind < 40) {
                long id = takeId(4);
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long size = size();
                long worst = rnd.nextInt(20) == 0 ? rnd.nextLong(-1, 1)
                        : side == Side.BUY ? centre + rnd.nextInt(25) : centre - rnd.nextInt(25);
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "market " + id + " " + owner + " " + side + " " + size + " " + worst + " " + stp;
                real.placeMarket(id, owner, side, size, worst, stp);
                ref.placeMarket(id, owner, side, size, worst, stp);
            } else if (kind < 50 && shape.queueCommands() && real.orderCount() > 0) {
                Side side = SIDES[rnd.nextInt(2)];
                if (real.levelCount(side) == 0) {
                    side = side.opposite();
                }
                long levelPrice = side == Side.BUY ? real.bestBid() : real.bestAsk();
                List<Long> queue = new ArrayList<>();
                real.forEachOrderAtLevel(side, levelPrice, (oid, owner, s, price, remaining, prioritySeq) -> queue.add(oid));
                long id = rnd.nextBoolean() ? queue.getFirst() : queue.getLast();
                if (rnd.nextInt(4) == 0 && queue.size() > 2) {
                    id = queue.get(1 + rnd.nextInt(queue.size() - 2));
                }
                int op = rnd.nextInt(4);
                long current = ref.remaining(id);
                if (op == 0) {
                    what = "cancel in queue " + id;
                    assertThat(real.cancel(id)).as(what).isEqualTo(ref.cancel(id));
                } else if (op == 1) {
                    long newRemaining = current > 1 ? 1 + rnd.nextLong(current - 1) : 1;
                    what = "reduce in queue " + id + " " + newRemaining;
                    assertThat(real.reduce(id, newRemaining)).as(what).isEqualTo(ref.reduce(id, newRemaining));
                } else {
                    long price = op == 2 ? levelPrice : price(side);
                    long size = op == 2 ? current + 1 + rnd.nextInt(3) : size();
                    SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                    what = "amend in queue " + id + " " + price + " " + size + " " + stp;
                    assertThat(real.amend(id, price, size, seq, stp)).as(what).isEqualTo(ref.amend(id, price, size, seq, stp));
                    seq++;
                }
            } else if (kind < 55) {
                long id = pickId(0);
                what = "cancel " + id;
                assertThat(real.cancel(id)).as(what).isEqualTo(ref.cancel(id));
            } else if (kind < 65) {
                long id = pickId(0);
                long current = ref.remaining(id);
                long newRemaining = rnd.nextInt(10) == 0 ? rnd.nextLong(-2, 30) : current - 1 - rnd.nextLong(Math.max(1, current));
                what = "reduce " + id + " " + newRemaining;
                assertThat(real.reduce(id, newRemaining)).as(what).isEqualTo(ref.reduce(id, newRemaining));
            } else if (kind < 92) {
                long id = pickId(0);
                long current = ref.remaining(id);
                Side side = real.side(id) == null ? SIDES[rnd.nextInt(2)] : real.side(id);
                long price = rnd.nextInt(5) == 0 ? real.price(id) : price(side);
                long size = switch (rnd.nextInt(4)) {
                    case 0 -> current;
                    case 1 -> Math.max(1, current - 1);
                    default -> size();
                };
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "amend " + id + " " + price + " " + size + " " + stp;
                assertThat(real.amend(id, price, size, seq, stp)).as(what).isEqualTo(ref.amend(id, price, size, seq, stp));
                seq++;
            } else if (kind < 96) {
                long id = takeId(10);
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long price = rnd.nextInt(30) == 0 ? 0 : price(side);
                long size = rnd.nextInt(30) == 0 ? 0 : size();
                long restoreSeq = rnd.nextLong(0, seq + 1);
                what = "restore " + id + " " + side + " " + price + " " + size + " " + restoreSeq;
                boolean realThrew = threw(() -> real.restore(id, owner, side, price, size, restoreSeq));
                boolean refThrew = threw(() -> ref.restore(id, owner, side, price, size, restoreSeq));
                assertThat(realThrew).as(what).isEqualTo(refThrew);
            } else if (kind < 99) {
                Side side = SIDES[rnd.nextInt(2)];
                long limit = price(side.opposite());
                long owner = 1 + rnd.nextInt(4);
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                long wanted = rnd.nextLong(-1, 200);
                what = "fillable " + side + " " + limit + " " + owner + " " + stp + " " + wanted;
                assertThat(real.fillableSize(side, limit, owner, stp, wanted)).as(what)
                        .isEqualTo(ref.fillableSize(side, limit, owner, stp, wanted));
            } else if (rnd.nextInt(20) == 0) {
                what = "clear";
                real.clear();
                ref.clear();
            } else {
                what = "drift";
                centre = Math.min(Long.MAX_VALUE - 30, Math.max(5, centre + rnd.nextInt(11) - 5));
            }
            String at = "step " + step + ": " + what;
            List<BookEvent> events = realEvents.drain();
            assertThat(events).as(at).isEqualTo(refEvents.drain());
            for (BookEvent e : events) {
                switch (e) {
                    case BookEvent.Done d -> reasons.add(d.reason());
                    case BookEvent.Fill f -> fills++;
                    case BookEvent.Rested r -> rests++;
                }
            }
            assertThat(real.bestBid()).as(at).isEqualTo(ref.bestBid());
            assertThat(real.bestAsk()).as(at).isEqualTo(ref.bestAsk());
            assertThat(real.orderCount()).as(at).isEqualTo(ref.orderCount());
            if (real.levelCount(Side.BUY) > 0 && real.levelCount(Side.SELL) > 0) {
                assertThat(real.bestBid()).as(at).isLessThan(real.bestAsk());
            }
            if (step % 250 == 0) {
                assertSameContents(real, ref, at);
            }
        }
        assertSameContents(real, ref, "end");
        for (long id : ids) {
            assertThat(real.remaining(id)).as("remaining of %d", id).isEqualTo(ref.remaining(id));
        }
        return new Coverage(reasons, fills, rests);
    }

    private static void assertSameContents(OrderBook real, ReferenceBook ref, String at) {
        for (Side side : SIDES) {
            assertThat(real.levelCount(side)).as(at).isEqualTo(ref.levelCount(side));
            long[] prices = new long[1000];
            long[] sizes = new long[1000];
            int n = real.depth(side, 1000, prices, sizes);
            List<long[]> expected = ref.depth(side, 1000);
            assertThat(n).as(at).isEqualTo(expected.size());
            for (int i = 0; i < n; i++) {
                assertThat(new long[] {prices[i], sizes[i]}).as(at + " depth " + side + " " + i)
                        .containsExactly(expected.get(i));
            }
        }
        assertThat(OrderBookRandomizedTest.l3(real)).as(at).isEqualTo(ref.l3());
    }

    /** {@link #pickId}, for a command that creates an order: a fresh id it names is handed out. */
    private long takeId(int percentFresh) {
        long id = pickId(percentFresh);
        if (id == nextId) {
            nextId++;
            ids.add(id);
        }
        return id;
    }

    /** Mostly a recent id (alive or not), sometimes a fresh one, percentFresh of the time nextId. */
    private long pickId(int percentFresh) {
        if (ids.isEmpty() || rnd.nextInt(100) >= 100 - Math.max(percentFresh, 1) * 20) {
            return rnd.nextInt(50) == 0 ? nextId + 1_000_000 : nextId;
        }
        int from = Math.max(0, ids.size() - 200);
        return ids.get(from + rnd.nextInt(ids.size() - from));
    }

    private long price(Side side) {
        if (rnd.nextInt(100) == 0) {
            return rnd.nextLong(-2, 1);
        }
        if (shape.prices() == Prices.WITH_EXTREMES && rnd.nextInt(10) == 0) {
            return EXTREME_PRICES[rnd.nextInt(EXTREME_PRICES.length)];
        }
        long offset = shape.prices() == Prices.LONG_QUEUES
                ? (rnd.nextInt(8) == 0 ? -1 : 1 + rnd.nextInt(2))
                : rnd.nextInt(24) - 4;
        return side == Side.BUY ? centre - offset : centre + offset;
    }

    private long size() {
        int r = rnd.nextInt(100);
        if (r == 0) {
            return rnd.nextLong(-3, 1);
        }
        if (shape.hugeSizes() && r < 30) {
            return Long.MAX_VALUE / 3 + rnd.nextLong(0, 1_000);
        }
        return 1 + rnd.nextInt(20);
    }

    private static boolean threw(Runnable r) {
        try {
            r.run();
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
