package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Orders per second through the engine with a commit and state root per block.")
public final class BenchEngineCommand extends NotBuiltYet {
    public BenchEngineCommand() {
        super("bench engine", 5);
    }
}
