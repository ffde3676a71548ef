package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "state", mixinStandardHelpOptions = true,
        description = "State-store commit throughput (root per commit) next to raw RocksDB; read and scan rates.")
public final class BenchStateCommand extends NotBuiltYet {
    public BenchStateCommand() {
        super("bench state", 3);
    }
}
