package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "book", mixinStandardHelpOptions = true,
        description = "Order-book throughput on an exchange-core-shaped command stream, and heap per resting order.")
public final class BenchBookCommand extends NotBuiltYet {
    public BenchBookCommand() {
        super("bench book", 4);
    }
}
