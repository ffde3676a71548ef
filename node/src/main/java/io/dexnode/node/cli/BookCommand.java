package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "book", mixinStandardHelpOptions = true,
        description = "Recover a market's order book from a data directory and print its depth as JSON.")
public final class BookCommand extends NotBuiltYet {
    public BookCommand() {
        super("book", 5);
    }
}
