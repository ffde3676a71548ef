package io.dexnode.node.cli;

import picocli.CommandLine.Command;

@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run the JMH micro-benchmarks (pass JMH options after --).")
public final class BenchJmhCommand extends NotBuiltYet {
    public BenchJmhCommand() {
        super("bench jmh", 2);
    }
}
