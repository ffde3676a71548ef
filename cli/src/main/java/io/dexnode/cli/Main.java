package io.dexnode.cli;

import io.dexnode.state.StateException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dexnode} command line: one entry point for the node, the offline tools and the
 * benchmarks, so that an operator learns a single tool.
 */
@Command(
        name = "dexnode",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A DEX matching-engine node: in-memory order books over authenticated state (JMT on RocksDB).",
        subcommands = {
            RunCommand.class,
            ReplayCommand.class,
            BookCommand.class,
            IndexCommand.class,
            StateCommand.class,
            JmtCommand.class,
            BenchCommand.class,
            KeygenCommand.class,
            TxCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI without exiting the JVM; tests call this. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line. A state store that cannot be opened or read (held by a running node,
     * corrupt, written by a newer format) is a one-line error and exit status 1, not a stack
     * trace: the message says what is wrong. Anything else propagates as picocli reports it.
     */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StateException) {
                cmd.getErr().println("dexnode " + cmd.getCommandName() + ": " + e.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw e;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"dexnode " + (v == null ? "dev" : v)};
        }
    }
}
