package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A warm book allocates nothing per command: the same mixed stream (places that rest and that
 * match, IOC, FOK, market orders, cancels, reduces, amends, self-trades) is run twice on a book
 * whose capacity is already reached, and the second run must allocate (almost) nothing on this
 * thread. Counts bytes, not time.
 */
class OrderBookAllocationTest {
    private static final int COMMANDS = 200_000;

    @Test
    void warmBookAllocatesNothingPerCommand() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] script = script(new SplittableRandom(5));
        OrderBook book = new OrderBook(BookListener.NONE, 4096);
        run(book, script); // warm: grows nothing further, and lets the JIT compile
        run(book, script);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(book, script);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by %d commands", COMMANDS).isLessThan(4_096);
    }

    /** Commands as 4 longs each: kind, id, price, size; generated up front so the run allocates nothing. */
    private static long[] script(SplittableRandom rnd) {
        long[] s = new long[COMMANDS * 4];
        for (int i = 0; i < COMMANDS; i++) {
            s[4 * i] = rnd.nextInt(8);
            s[4 * i + 1] = 1 + rnd.nextInt(3000);
            s[4 * i + 2] = 990 + rnd.nextInt(21);
            s[4 * i + 3] = 1 + rnd.nextInt(20);
        }
        return s;
    }

    private static void run(OrderBook book, long[] s) {
        SelfTradePrevention[] stps = SelfTradePrevention.values();
        for (int i = 0; i < COMMANDS; i++) {
            long id = s[4 * i + 1];
            long price = s[4 * i + 2];
            long size = s[4 * i + 3];
            long owner = id % 5;
            Side side = (id & 1) == 0 ? Side.BUY : Side.SELL;
            SelfTradePrevention stp = stps[(int) (id % stps.length)];
            switch ((int) s[4 * i]) {
                case 0, 1 -> book.place(id, owner, side, price, size, TimeInForce.GTC, stp, i);
                case 2 -> book.place(id, owner, side, price, size, TimeInForce.IOC, stp, i);
                case 3 -> book.place(id, owner, side, price, size, TimeInForce.FOK, stp, i);
                case 4 -> book.placeMarket(id, owner, side, size, side == Side.BUY ? price + 3 : price - 3, stp);
                case 5 -> book.cancel(id);
                case 6 -> book.reduce(id, size);
                default -> book.amend(id, price, size, i, stp);
            }
        }
    }
}
