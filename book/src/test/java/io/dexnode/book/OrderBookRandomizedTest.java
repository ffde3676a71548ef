package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds {@link OrderBook} to {@link ReferenceBook} on long seeded streams of every command: all
 * TIFs and self-trade modes, market orders, cancels, reduces, amends, restores, clears and bad
 * input. Every event, every return value and the best prices must agree after every command; the
 * depth, the L3 walk and fillable sizes are compared along the way and at the end.
 */
class OrderBookRandomizedTest {
    private static final int COMMANDS = 20_000;
    private static final Side[] SIDES = Side.values();
    private static final TimeInForce[] TIFS = TimeInForce.values();
    private static final SelfTradePrevention[] STPS = SelfTradePrevention.values();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void everyEventMatchesTheReferenceBook(long seed) {
        run(seed, false);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105})
    void hugeSizesSaturateTheSameWay(long seed) {
        run(seed, true);
    }

    private static void run(long seed, boolean hugeSizes) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RecordingListener realEvents = new RecordingListener();
        RecordingListener refEvents = new RecordingListener();
        // A small initial capacity makes the real book grow its arrays and maps during the run.
        OrderBook real = new OrderBook(realEvents, 4);
        ReferenceBook ref = new ReferenceBook(refEvents);
        List<Long> ids = new ArrayList<>();
        long nextId = 1;
        long seq = 1;
        long center = 1_000;
        EnumSet<BookReason> reasons = EnumSet.noneOf(BookReason.class);
        int fills = 0;
        int rests = 0;
        for (int step = 0; step < COMMANDS; step++) {
            String what;
            int kind = rnd.nextInt(100);
            if (kind < 35) {
                long id = pickId(rnd, ids, nextId, 4);
                if (id == nextId) {
                    nextId++;
                    ids.add(id);
                }
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long price = price(rnd, center, side);
                long size = size(rnd, hugeSizes);
                TimeInForce tif = TIFS[rnd.nextInt(10) < 6 ? 0 : rnd.nextInt(TIFS.length)];
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "place " + id + " " + owner + " " + side + " " + price + " " + size + " " + tif + " " + stp;
                real.place(id, owner, side, price, size, tif, stp, seq);
                ref.place(id, owner, side, price, size, tif, stp, seq);
                seq++;
            } else if (kind < 40) {
                long id = pickId(rnd, ids, nextId, 4);
                if (id == nextId) {
                    nextId++;
                    ids.add(id);
                }
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long size = size(rnd, hugeSizes);
                long worst = rnd.nextInt(20) == 0 ? rnd.nextLong(-1, 1)
                        : side == Side.BUY ? center + rnd.nextInt(25) : center - rnd.nextInt(25);
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "market " + id + " " + owner + " " + side + " " + size + " " + worst + " " + stp;
                real.placeMarket(id, owner, side, size, worst, stp);
                ref.placeMarket(id, owner, side, size, worst, stp);
            } else if (kind < 55) {
                long id = pickId(rnd, ids, nextId, 0);
                what = "cancel " + id;
                assertThat(real.cancel(id)).as(what).isEqualTo(ref.cancel(id));
            } else if (kind < 65) {
                long id = pickId(rnd, ids, nextId, 0);
                long current = ref.remaining(id);
                long newRemaining = rnd.nextInt(10) == 0 ? rnd.nextLong(-2, 30) : current - 1 - rnd.nextLong(Math.max(1, current));
                what = "reduce " + id + " " + newRemaining;
                assertThat(real.reduce(id, newRemaining)).as(what).isEqualTo(ref.reduce(id, newRemaining));
            } else if (kind < 92) {
                long id = pickId(rnd, ids, nextId, 0);
                long current = ref.remaining(id);
                Side side = real.side(id) == null ? SIDES[rnd.nextInt(2)] : real.side(id);
                long price = rnd.nextInt(5) == 0 ? real.price(id) : price(rnd, center, side);
                long size = switch (rnd.nextInt(4)) {
                    case 0 -> current;
                    case 1 -> Math.max(1, current - 1);
                    default -> size(rnd, hugeSizes);
                };
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "amend " + id + " " + price + " " + size + " " + stp;
                assertThat(real.amend(id, price, size, seq, stp)).as(what).isEqualTo(ref.amend(id, price, size, seq, stp));
                seq++;
            } else if (kind < 96) {
                long id = pickId(rnd, ids, nextId, 10);
                if (id == nextId) {
                    nextId++;
                    ids.add(id);
                }
                long owner = 1 + rnd.nextInt(4);
                Side side = SIDES[rnd.nextInt(2)];
                long price = rnd.nextInt(30) == 0 ? 0 : price(rnd, center, side);
                long size = rnd.nextInt(30) == 0 ? 0 : size(rnd, hugeSizes);
                long restoreSeq = rnd.nextLong(0, seq + 1);
                what = "restore " + id + " " + side + " " + price + " " + size + " " + restoreSeq;
                boolean realThrew = threw(() -> real.restore(id, owner, side, price, size, restoreSeq));
                boolean refThrew = threw(() -> ref.restore(id, owner, side, price, size, restoreSeq));
                assertThat(realThrew).as(what).isEqualTo(refThrew);
            } else if (kind < 99) {
                Side side = SIDES[rnd.nextInt(2)];
                long limit = price(rnd, center, side.opposite());
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
                center += rnd.nextInt(11) - 5;
            }
            String at = "seed " + seed + " step " + step + ": " + what;
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
            assertThat(real.bestBid()).as(at).isLessThan(real.bestAsk());
            if (step % 250 == 0) {
                assertSameContents(real, ref, at);
            }
        }
        assertSameContents(real, ref, "seed " + seed + " end");
        // The stream must have exercised every outcome the book reports as an event.
        assertThat(reasons).as("reasons seen").containsAll(EnumSet.range(BookReason.NONE, BookReason.DUPLICATE_ORDER_ID));
        assertThat(fills).isGreaterThan(COMMANDS / 10);
        assertThat(rests).isGreaterThan(COMMANDS / 10);
        for (long id : ids) {
            assertThat(real.remaining(id)).isEqualTo(ref.remaining(id));
        }
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
        assertThat(l3(real)).as(at).isEqualTo(ref.l3());
    }

    static List<BookEvent.Resting> l3(OrderBook book) {
        List<BookEvent.Resting> out = new ArrayList<>();
        book.forEachOrder((id, owner, side, price, remaining, seq) ->
                out.add(new BookEvent.Resting(id, owner, side, price, remaining, seq)));
        return out;
    }

    /** Mostly a recent id (alive or not), sometimes a fresh one, percentFresh of the time nextId. */
    private static long pickId(SplittableRandom rnd, List<Long> ids, long nextId, int percentFresh) {
        if (ids.isEmpty() || rnd.nextInt(100) >= 100 - Math.max(percentFresh, 1) * 20) {
            return rnd.nextInt(50) == 0 ? nextId + 1_000_000 : nextId;
        }
        int from = Math.max(0, ids.size() - 200);
        return ids.get(from + rnd.nextInt(ids.size() - from));
    }

    private static long price(SplittableRandom rnd, long center, Side side) {
        if (rnd.nextInt(100) == 0) {
            return rnd.nextLong(-2, 1);
        }
        // Each side mostly on its own half, sometimes reaching across to take.
        long offset = rnd.nextInt(24) - 4;
        return side == Side.BUY ? center - offset : center + offset;
    }

    private static long size(SplittableRandom rnd, boolean huge) {
        int r = rnd.nextInt(100);
        if (r == 0) {
            return rnd.nextLong(-3, 1);
        }
        if (huge && r < 30) {
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
