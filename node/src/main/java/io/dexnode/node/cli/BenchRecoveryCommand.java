package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Time to rebuild order books: from state, from a snapshot, snapshot + incremental.")
public final class BenchRecoveryCommand extends NotBuiltYet {
    public BenchRecoveryCommand() {
        super("bench recovery", 6);
    }
}
