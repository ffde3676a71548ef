package io.dexnode.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode state …}: operator tools for a state directory (a stopped node's, or a copy):
 * {@code verify} checks it end to end, {@code migrate} converts the first design's format, {@code stats}
 * counts what it holds.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Tools for a state directory: verify its integrity, migrate an older on-disk format, count what it holds.",
        subcommands = {StateVerifyCommand.class, StateMigrateCommand.class, StateStatsCommand.class})
public final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
