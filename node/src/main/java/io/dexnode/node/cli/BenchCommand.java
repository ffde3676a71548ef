package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; results and how to read them are in docs/BENCHMARKS.md.",
        subcommands = {
            BenchCommand.Book.class,
            BenchCommand.State.class,
            BenchCommand.Engine.class,
            BenchCommand.Recovery.class,
            BenchCommand.Api.class,
            BenchCommand.Jmh.class
        })
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "book", mixinStandardHelpOptions = true,
            description = "Order-book throughput on an exchange-core-shaped command stream, and heap per resting order.")
    static final class Book extends NotBuiltYet {
        Book() {
            super("bench book", 4);
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = "State-store commit throughput (root per commit) next to raw RocksDB; read and scan rates.")
    static final class State extends NotBuiltYet {
        State() {
            super("bench state", 3);
        }
    }

    @Command(name = "engine", mixinStandardHelpOptions = true,
            description = "Orders per second through the engine with a commit and state root per block.")
    static final class Engine extends NotBuiltYet {
        Engine() {
            super("bench engine", 5);
        }
    }

    @Command(name = "recovery", mixinStandardHelpOptions = true,
            description = "Time to rebuild order books: from state, from a snapshot, snapshot + incremental.")
    static final class Recovery extends NotBuiltYet {
        Recovery() {
            super("bench recovery", 6);
        }
    }

    @Command(name = "api", mixinStandardHelpOptions = true,
            description = "Load generator over loopback HTTP: signed orders/s and latency percentiles.")
    static final class Api extends NotBuiltYet {
        Api() {
            super("bench api", 7);
        }
    }

    @Command(name = "jmh", mixinStandardHelpOptions = true,
            description = "Run the JMH micro-benchmarks (pass JMH options after --).")
    static final class Jmh extends NotBuiltYet {
        Jmh() {
            super("bench jmh", 2);
        }
    }
}
