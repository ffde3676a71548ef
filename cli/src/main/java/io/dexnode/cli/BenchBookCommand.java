package io.dexnode.cli;

import io.dexnode.bench.book.BookCommands;
import io.dexnode.bench.book.BookThroughputBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode bench book}: single-threaded order-book throughput on a pre-generated
 * exchange-core-shaped command stream (generation not timed), over several iterations, and heap
 * bytes per resting order in a book of 1,000,000 resting orders. See docs/BENCHMARKS.md.
 */
@Command(name = "book", mixinStandardHelpOptions = true,
        description = "Order-book throughput on an exchange-core-shaped command stream, and heap per resting order.")
public final class BenchBookCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--commands", paramLabel = "N", description = "measured commands per iteration (default ${DEFAULT-VALUE})")
    int commands = 3_000_000;

    @Option(names = "--resting", paramLabel = "K", description = "resting orders the stream keeps near (default ${DEFAULT-VALUE})")
    int resting = 1_000;

    @Option(names = "--seed", paramLabel = "S", description = "workload seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--iterations", paramLabel = "I", description = "measured iterations (default ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--warmup", paramLabel = "W", description = "unreported warm-up iterations first (default ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--heap-orders", paramLabel = "M",
            description = "resting orders of the heap measurement (default ${DEFAULT-VALUE})")
    int heapOrders = 1_000_000;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (commands < 1 || resting < 0 || iterations < 1 || warmup < 0 || heapOrders < 1) {
            spec.commandLine().getErr().println("dexnode bench book: --commands, --iterations and --heap-orders must be"
                    + " positive; --resting and --warmup must not be negative");
            return 2;
        }
        out.printf(Locale.ROOT, "order book: %,d commands x %d iterations (+%d warm-up), ~%,d resting, seed %d%n",
                commands, iterations, warmup, resting, seed);
        out.flush();
        BookThroughputBench.Result r = BookThroughputBench.run(
                new BookThroughputBench.Settings(commands, resting, seed, iterations, warmup, heapOrders));
        int[] kinds = r.commandsByKind();
        out.printf(Locale.ROOT, "stream: GTC %.1f%%, IOC %.1f%%, cancel %.1f%%, amend %.1f%%, reduce %.1f%%;"
                        + " %,d fills; %.0f resting on average%n",
                pct(kinds[BookCommands.PLACE_GTC]), pct(kinds[BookCommands.PLACE_IOC]), pct(kinds[BookCommands.CANCEL]),
                pct(kinds[BookCommands.AMEND]), pct(kinds[BookCommands.REDUCE]), r.fills(), r.meanResting());
        out.printf(Locale.ROOT, "throughput: min %.2f  median %.2f  max %.2f  M commands/s (single thread)%n",
                r.min(), r.median(), r.max());
        out.printf(Locale.ROOT, "heap: %.1f bytes per resting order at %,d resting orders"
                + " (used heap after System.gc(), book built minus before, in a JVM of its own)%n", r.bytesPerRestingOrder(), heapOrders);
        out.flush();
        if (json != null) {
            JsonReport.write(json, toJson(r), out);
        }
        return 0;
    }

    private double pct(int count) {
        return 100.0 * count / commands;
    }

    static String toJson(BookThroughputBench.Result r) {
        BookThroughputBench.Settings s = r.settings();
        return String.format(Locale.ROOT,
                "{\"commands\":%d,\"resting\":%d,\"iterations\":%d,"
                        + "\"mcmdsPerSec\":{\"min\":%.3f,\"median\":%.3f,\"max\":%.3f},\"bytesPerRestingOrder\":%.1f}",
                s.commands(), s.resting(), s.iterations(), r.min(), r.median(), r.max(), r.bytesPerRestingOrder());
    }
}
