package io.dexnode.bench.book;

import io.dexnode.book.OrderBook;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Order-book commands per second, one thread, on a book of 1,000 resting orders (500 bids at
 * 99,000..99,499 and 500 asks at 100,501..101,000, so the spread 99,500..100,500 is free for the
 * benchmark's own orders). Each benchmark leaves the book as it found it, so every operation
 * sees the same book; results are in commands per second (several commands per operation are
 * declared with {@code @OperationsPerInvocation}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OrderBookBenchmark {
    private static final int MIX_COMMANDS = 200_000;
    private static final SelfTradePrevention STP = SelfTradePrevention.CANCEL_RESTING;

    private final BookChecksum events = new BookChecksum();
    private OrderBook book;
    private long nextId = 1_000_000;
    private long seq = 1_000_000;
    private int cursor;
    private final long[] passiveBidPrices = new long[1024];

    @Setup
    public void setUp() {
        book = new OrderBook(events, 4096);
        for (int i = 0; i < 500; i++) {
            book.place(i + 1, 1 + i % 100, Side.BUY, 99_000 + i, 1 + i % 20, TimeInForce.GTC, STP, seq++);
            book.place(i + 501, 1 + i % 100, Side.SELL, 100_501 + i, 1 + i % 20, TimeInForce.GTC, STP, seq++);
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        for (int i = 0; i < passiveBidPrices.length; i++) {
            passiveBidPrices[i] = 99_000 + rnd.nextInt(500);
        }
    }

    /** A GTC bid joins the back of an existing level, then is cancelled: 2 commands. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long placeRestingThenCancel() {
        long id = nextId++;
        long price = passiveBidPrices[cursor++ & (passiveBidPrices.length - 1)];
        book.place(id, 7, Side.BUY, price, 3, TimeInForce.GTC, STP, seq++);
        book.cancel(id);
        return events.value();
    }

    /** A GTC ask opens a new best level inside the spread, then is cancelled: 2 commands. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long placeNewLevelThenCancel() {
        long id = nextId++;
        book.place(id, 7, Side.SELL, 100_000 + (cursor++ & 255), 3, TimeInForce.GTC, STP, seq++);
        book.cancel(id);
        return events.value();
    }

    /** A maker ask rests inside the spread and a buy IOC fills it completely: 2 commands. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long matchOneMaker() {
        book.place(nextId++, 7, Side.SELL, 100_000, 5, TimeInForce.GTC, STP, seq++);
        book.place(nextId++, 8, Side.BUY, 100_000, 5, TimeInForce.IOC, STP, seq++);
        return events.value();
    }

    /** Three makers on three levels, swept by one buy IOC: 4 commands, 3 fills. */
    @Benchmark
    @OperationsPerInvocation(4)
    public long sweepThreeLevels() {
        book.place(nextId++, 7, Side.SELL, 100_000, 2, TimeInForce.GTC, STP, seq++);
        book.place(nextId++, 9, Side.SELL, 100_001, 2, TimeInForce.GTC, STP, seq++);
        book.place(nextId++, 7, Side.SELL, 100_002, 2, TimeInForce.GTC, STP, seq++);
        book.place(nextId++, 8, Side.BUY, 100_002, 6, TimeInForce.IOC, STP, seq++);
        return events.value();
    }

    /** The generated stream (once) and a fresh book at ~1,000 resting orders per call (not measured). */
    @State(Scope.Thread)
    public static class Mix {
        ExchangeCoreLikeWorkload.Workload workload;
        OrderBook book;
        final BookChecksum events = new BookChecksum();

        @Setup(Level.Trial)
        public void generate() {
            workload = ExchangeCoreLikeWorkload.generate(1, MIX_COMMANDS, 1_000);
        }

        @Setup(Level.Invocation)
        public void freshBook() {
            book = new OrderBook(events, 2048);
            workload.prefill().applyTo(book, 0, workload.prefill().size(), 0);
        }
    }

    /** The exchange-core-like stream of {@code dexnode bench book}, 200,000 commands per call. */
    @Benchmark
    @OperationsPerInvocation(MIX_COMMANDS)
    public long exchangeCoreMix(Mix mix) {
        mix.workload.commands().applyTo(mix.book, 0, MIX_COMMANDS, mix.workload.prefill().size());
        return mix.events.value();
    }
}
