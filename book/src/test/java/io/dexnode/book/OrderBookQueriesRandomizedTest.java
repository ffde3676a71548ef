package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds {@link OrderBook} to {@link ReferenceBook} where {@link OrderBookRandomizedTest} does not
 * look: prices spread over the whole long range (clusters at every radix digit width, up to
 * Long.MAX_VALUE), priority sequences that are sometimes out of order, two owners so that
 * self-trade prevention fires often, and every query compared after every command: each level's
 * queue, sizeAtPrice, depthLevels for any N (also 0 and negative), and each order's fields.
 */
class OrderBookQueriesRandomizedTest {
    private static final int COMMANDS = 4_000;
    private static final Side[] SIDES = Side.values();
    private static final TimeInForce[] TIFS = TimeInForce.values();
    private static final SelfTradePrevention[] STPS = SelfTradePrevention.values();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33, 34, 35, 36, 37, 38})
    void everyQueryMatchesTheReferenceBook(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RecordingListener realEvents = new RecordingListener();
        RecordingListener refEvents = new RecordingListener();
        OrderBook real = new OrderBook(realEvents, 1);
        ReferenceBook ref = new ReferenceBook(refEvents);
        long[] centers = centers(rnd);
        List<Long> ids = new ArrayList<>();
        List<long[]> prices = new ArrayList<>();
        long nextId = 1;
        long seq = 1_000;
        for (int step = 0; step < COMMANDS; step++) {
            String what;
            long center = centers[rnd.nextInt(centers.length)];
            int kind = rnd.nextInt(100);
            if (kind < 45) {
                long id = rnd.nextInt(20) == 0 && !ids.isEmpty() ? ids.get(rnd.nextInt(ids.size())) : nextId++;
                ids.add(id);
                long owner = 1 + rnd.nextInt(2);
                Side side = SIDES[rnd.nextInt(2)];
                long price = price(rnd, center, side);
                long size = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 1_000 : 6);
                TimeInForce tif = TIFS[rnd.nextInt(TIFS.length)];
                SelfTradePrevention stp = rnd.nextInt(8) == 0 ? null : STPS[rnd.nextInt(STPS.length)];
                // Mostly increasing, sometimes an earlier sequence (a caller restoring an order's old priority).
                long s = rnd.nextInt(6) == 0 ? seq - rnd.nextInt(50) : seq++;
                what = "place " + id + " " + owner + " " + side + " " + price + " " + size + " " + tif + " " + stp + " " + s;
                real.place(id, owner, side, price, size, tif, stp, s);
                ref.place(id, owner, side, price, size, tif, stp == null ? SelfTradePrevention.CANCEL_RESTING : stp, s);
                prices.add(new long[] {price});
            } else if (kind < 52) {
                long id = nextId++;
                ids.add(id);
                long owner = 1 + rnd.nextInt(2);
                Side side = SIDES[rnd.nextInt(2)];
                long size = 1 + rnd.nextInt(12);
                long worst = switch (rnd.nextInt(4)) {
                    case 0 -> side == Side.BUY ? Long.MAX_VALUE : 1;
                    case 1 -> side == Side.BUY ? real.bestAsk() : real.bestBid();
                    default -> price(rnd, center, side);
                };
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "market " + id + " " + owner + " " + side + " " + size + " " + worst + " " + stp;
                real.placeMarket(id, owner, side, size, worst, stp);
                ref.placeMarket(id, owner, side, size, worst, stp);
            } else if (kind < 65) {
                long id = pick(rnd, ids);
                what = "cancel " + id;
                assertThat(real.cancel(id)).as(what).isEqualTo(ref.cancel(id));
            } else if (kind < 72) {
                long id = pick(rnd, ids);
                long newRemaining = ref.remaining(id) - 1 + rnd.nextLong(-2, 2);
                what = "reduce " + id + " " + newRemaining;
                assertThat(real.reduce(id, newRemaining)).as(what).isEqualTo(ref.reduce(id, newRemaining));
            } else if (kind < 88) {
                long id = pick(rnd, ids);
                Side side = real.side(id) == null ? SIDES[rnd.nextInt(2)] : real.side(id);
                long price = rnd.nextInt(3) == 0 ? real.price(id) : price(rnd, center, side);
                long size = rnd.nextInt(3) == 0 ? ref.remaining(id) + rnd.nextLong(-1, 2) : 1 + rnd.nextInt(8);
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                what = "amend " + id + " " + price + " " + size + " " + stp + " " + seq;
                assertThat(real.amend(id, price, size, seq, stp)).as(what).isEqualTo(ref.amend(id, price, size, seq, stp));
                seq++;
            } else if (kind < 97) {
                Side side = SIDES[rnd.nextInt(2)];
                long limit = price(rnd, center, side);
                long owner = 1 + rnd.nextInt(2);
                SelfTradePrevention stp = STPS[rnd.nextInt(STPS.length)];
                long wanted = rnd.nextLong(-1, 40);
                what = "fillable " + side + " " + limit + " " + owner + " " + stp + " " + wanted;
                assertThat(real.fillableSize(side, limit, owner, stp, wanted)).as(what)
                        .isEqualTo(ref.fillableSize(side, limit, owner, stp, wanted));
            } else {
                what = "new centers";
                centers = centers(rnd);
            }
            String at = "seed " + seed + " step " + step + ": " + what;
            assertThat(realEvents.drain()).as(at).isEqualTo(refEvents.drain());
            assertSameQueries(real, ref, rnd, ids, prices, at);
        }
    }

    private static void assertSameQueries(OrderBook real, ReferenceBook ref, SplittableRandom rnd, List<Long> ids,
                                          List<long[]> prices, String at) {
        assertThat(real.bestBid()).as(at).isEqualTo(ref.bestBid()).isLessThan(real.bestAsk());
        assertThat(real.bestAsk()).as(at).isEqualTo(ref.bestAsk());
        assertThat(real.orderCount()).as(at).isEqualTo(ref.orderCount());
        List<BookEvent.Resting> l3 = ref.l3();
        assertThat(OrderBookRandomizedTest.l3(real)).as(at).isEqualTo(l3);
        for (Side side : SIDES) {
            assertThat(real.levelCount(side)).as(at).isEqualTo(ref.levelCount(side));
            int n = rnd.nextInt(-1, ref.levelCount(side) + 2);
            List<long[]> expected = ref.depth(side, Math.max(n, 0));
            assertThat(real.depthLevels(side, n)).as(at + " depth " + side + " " + n)
                    .isDeepEqualTo(expected.toArray(long[][]::new));
            for (long[] level : expected) {
                assertThat(real.sizeAtPrice(side, level[0])).as(at).isEqualTo(level[1]);
                assertThat(queue(real, side, level[0])).as(at).isEqualTo(ref.level(side, level[0]));
            }
            // Prices that were once used, with their neighbours, may or may not be levels now.
            for (int i = 0; i < 4 && !prices.isEmpty(); i++) {
                long p = prices.get(rnd.nextInt(prices.size()))[0] + rnd.nextInt(-1, 2);
                long total = ref.level(side, p).stream().mapToLong(BookEvent.Resting::remaining).sum();
                assertThat(real.sizeAtPrice(side, p)).as(at + " size at " + p).isEqualTo(total);
                assertThat(queue(real, side, p)).as(at + " level " + p).isEqualTo(ref.level(side, p));
            }
        }
        for (BookEvent.Resting o : l3) {
            assertThat(new BookEvent.Resting(o.orderId(), real.owner(o.orderId()), real.side(o.orderId()),
                    real.price(o.orderId()), real.remaining(o.orderId()), real.prioritySeq(o.orderId())))
                    .as(at).isEqualTo(o);
        }
        for (int i = 0; i < 4 && !ids.isEmpty(); i++) {
            long id = ids.get(rnd.nextInt(ids.size()));
            assertThat(real.contains(id)).as(at + " contains " + id).isEqualTo(ref.resting(id) != null);
        }
    }

    private static List<BookEvent.Resting> queue(OrderBook book, Side side, long price) {
        List<BookEvent.Resting> out = new ArrayList<>();
        book.forEachOrderAtLevel(side, price, (id, owner, s, p, remaining, seq) ->
                out.add(new BookEvent.Resting(id, owner, s, p, remaining, seq)));
        return out;
    }

    /** Two to four price centres of random widths, one of them sometimes at the top of the long range. */
    private static long[] centers(SplittableRandom rnd) {
        long[] c = new long[2 + rnd.nextInt(3)];
        for (int i = 0; i < c.length; i++) {
            int bits = 7 + rnd.nextInt(56);
            c[i] = rnd.nextInt(5) == 0 ? Long.MAX_VALUE - 30 : rnd.nextLong(1L << (bits - 1), 1L << bits);
        }
        return c;
    }

    /** Near a centre: each side mostly on its own half, sometimes reaching across; rarely invalid. */
    private static long price(SplittableRandom rnd, long center, Side side) {
        if (rnd.nextInt(200) == 0) {
            return rnd.nextLong(-1, 1);
        }
        long offset = rnd.nextInt(16) - 3;
        long p = side == Side.BUY ? center - offset : center + offset;
        return p < 0 ? Long.MAX_VALUE : p; // wrapped past the top
    }

    private static long pick(SplittableRandom rnd, List<Long> ids) {
        if (ids.isEmpty() || rnd.nextInt(30) == 0) {
            return -rnd.nextInt(5);
        }
        int from = Math.max(0, ids.size() - 150);
        return ids.get(from + rnd.nextInt(ids.size() - from));
    }
}
