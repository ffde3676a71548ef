package io.dexnode.bench.book;

import io.dexnode.bench.ChildJava;
import io.dexnode.book.BookListener;
import io.dexnode.book.OrderBook;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code dexnode bench book}: single-threaded order-book throughput on an exchange-core-shaped
 * command stream, and heap bytes per resting order. The stream is generated first (not timed);
 * each iteration replays it on a fresh book after the untimed prefill, timing only the measured
 * commands, and checks that the replay's events hash to the generation run's.
 */
public final class BookThroughputBench {
    /** What was asked for. warmups are extra iterations run first and not reported. */
    public record Settings(int commands, int resting, long seed, int iterations, int warmups, int heapOrders) {
        public Settings {
            if (commands <= 0 || resting < 0 || iterations <= 0 || warmups < 0 || heapOrders <= 0) {
                throw new IllegalArgumentException("commands, iterations and heap orders must be > 0;"
                        + " resting and warmups >= 0");
            }
        }
    }

    /** Measured: M commands/s per reported iteration (sorted), heap per resting order, stream facts. */
    public record Result(Settings settings, double[] mcmdsPerSec, double bytesPerRestingOrder,
                         int[] commandsByKind, long fills, int restingAtEnd, double meanResting) {
        public double min() {
            return mcmdsPerSec[0];
        }

        public double median() {
            int n = mcmdsPerSec.length;
            return n % 2 == 1 ? mcmdsPerSec[n / 2] : (mcmdsPerSec[n / 2 - 1] + mcmdsPerSec[n / 2]) / 2;
        }

        public double max() {
            return mcmdsPerSec[mcmdsPerSec.length - 1];
        }
    }

    private BookThroughputBench() {
    }

    public static Result run(Settings s) {
        ExchangeCoreLikeWorkload.Workload w = ExchangeCoreLikeWorkload.generate(s.seed(), s.commands(), s.resting());
        double[] rates = new double[s.iterations()];
        for (int i = -s.warmups(); i < s.iterations(); i++) {
            double rate = replay(w, s.resting());
            if (i >= 0) {
                rates[i] = rate;
            }
        }
        Arrays.sort(rates);
        double bytes = heapBytesPerRestingOrderInChild(s.heapOrders());
        return new Result(s, rates, bytes, w.commands().countByKind(), w.fills(), w.restingAtEnd(),
                w.meanResting());
    }

    /** One timed replay; returns M commands/s. */
    static double replay(ExchangeCoreLikeWorkload.Workload w, int resting) {
        BookChecksum checksum = new BookChecksum();
        OrderBook book = new OrderBook(checksum, Math.max(1024, resting * 2));
        BookCommands prefill = w.prefill();
        BookCommands commands = w.commands();
        prefill.applyTo(book, 0, prefill.size(), 0);
        checksum.reset();
        long start = System.nanoTime();
        commands.applyTo(book, 0, commands.size(), prefill.size());
        long elapsed = System.nanoTime() - start;
        if (checksum.value() != w.checksum() || book.orderCount() != w.restingAtEnd()) {
            throw new IllegalStateException("replay diverged from the generated stream: the book is not deterministic");
        }
        return commands.size() * 1e3 / Math.max(1, elapsed);
    }

    /**
     * Heap held by a book of {@code orders} resting orders, per order: used heap (total - free)
     * after System.gc() with the book reachable, minus the same before the book was built. The
     * book is built with the default constructor (so it includes growth slack), the orders spread
     * over 10,000 price levels, half bids and half asks.
     */
    public static double heapBytesPerRestingOrder(int orders) {
        long before = usedHeapAfterGc();
        OrderBook book = new OrderBook(BookListener.NONE);
        int levelsPerSide = 5_000;
        for (int i = 0; i < orders; i++) {
            boolean bid = (i & 1) == 0;
            long offset = (i >>> 1) % levelsPerSide;
            long price = bid ? ExchangeCoreLikeWorkload.BASE_PRICE - offset : ExchangeCoreLikeWorkload.BASE_PRICE + 1 + offset;
            book.place(i + 1L, 1 + i % 1000, bid ? Side.BUY : Side.SELL, price, 1 + i % 100,
                    TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING, i);
        }
        long after = usedHeapAfterGc();
        if (book.orderCount() != orders) {
            throw new IllegalStateException("heap book holds " + book.orderCount() + " orders, expected " + orders);
        }
        Reference.reachabilityFence(book);
        return (double) (after - before) / orders;
    }

    /** The line {@link HeapChild} answers with: this prefix, then the bytes per order. */
    private static final String HEAP_LINE = "bytesPerRestingOrder ";

    /**
     * {@link #heapBytesPerRestingOrder} in a JVM of its own (this one's {@code java} and collector
     * options, nothing else running in it). In a shared JVM the used heap moves by megabytes while
     * the book is built, as other threads let go of memory (the CLI's tests, after in-process
     * nodes, measured a 20,000-order book at -105.8 and -102.9 bytes per order even with the
     * collections below repeated until the heap stopped falling).
     */
    static double heapBytesPerRestingOrderInChild(int orders) {
        List<String> cmd = ChildJava.command();
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapChild.class.getName(),
                Integer.toString(orders)));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the heap measurement's JVM", e);
        }
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the heap measurement's JVM did not finish within 300 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : out.split("\\R")) {
                if (p.exitValue() == 0 && line.startsWith(HEAP_LINE)) {
                    return Double.parseDouble(line.substring(HEAP_LINE.length()));
                }
            }
            throw new IllegalStateException("the heap measurement's JVM exited with status " + p.exitValue()
                    + " without its figure: " + out.strip());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the heap measurement's answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the heap was measured", e);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The heap measurement's own JVM: {@code HeapChild ORDERS} prints {@link #HEAP_LINE} and the figure. */
    public static final class HeapChild {
        private HeapChild() {
        }

        public static void main(String[] args) {
            System.out.println(HEAP_LINE + heapBytesPerRestingOrder(Integer.parseInt(args[0])));
        }
    }

    /**
     * Used heap after collections, once it stops falling: memory that other threads let go of
     * meanwhile (a client or server closed just before, whose threads wind down and drop their
     * buffers) would otherwise be counted against the book — in a shared JVM (the CLI's tests, after
     * in-process nodes) a 20,000-order book once measured -105.8 bytes per order.
     */
    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            long now = rt.totalMemory() - rt.freeMemory();
            if (i >= 2 && used - now < 64 * 1024) {
                return Math.min(used, now);
            }
            used = Math.min(used, now);
            try {
                Thread.sleep(20); // let reference handling and winding-down threads run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return used;
    }

    /** Runs with defaults from the command line of the bench module (for quick checks). */
    public static void main(String[] args) {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        Result r = run(new Settings(commands, 1_000, 1, 5, 1, 1_000_000));
        System.out.printf("min %.2f median %.2f max %.2f M cmds/s, %.1f B/order, kinds %s, fills %d, resting at end %d, mean resting %.0f%n",
                r.min(), r.median(), r.max(), r.bytesPerRestingOrder(), Arrays.toString(r.commandsByKind()),
                r.fills(), r.restingAtEnd(), r.meanResting());
    }
}
