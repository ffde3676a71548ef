package io.dexnode.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; results and how to read them are in docs/BENCHMARKS.md.",
        subcommands = {
            BenchBookCommand.class,
            BenchStateCommand.class,
            BenchEngineCommand.class,
            BenchRecoveryCommand.class,
            BenchArchiveCommand.class,
            BenchApiCommand.class,
            BenchClusterCommand.class,
            BenchJmhCommand.class
        })
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
