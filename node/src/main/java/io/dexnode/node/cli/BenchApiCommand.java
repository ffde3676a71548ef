package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Load generator over loopback HTTP: signed orders/s and latency percentiles.")
public final class BenchApiCommand extends NotBuiltYet {
    public BenchApiCommand() {
        super("bench api", 7);
    }
}
