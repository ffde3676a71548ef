package io.dexnode.cli;

import io.dexnode.state.StateMigration;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode state migrate --data DIR}: converts a stopped node's state of the first design
 * (on-disk format 1) to the current format, in place; rerunnable if cut short.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Convert a state directory of on-disk format 1 (the first state design) to the current",
            "format, in place. Stop the node first; take a copy if you want to go back. Rerunnable."})
public final class StateMigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String noState = StateDirectories.noState(data);
        if (noState != null) {
            spec.commandLine().getErr().println("dexnode state migrate: " + noState);
            return 1;
        }
        PrintStream log = new PrintStream(new StateVerifyCommand.WriterOutputStream(out), true, StandardCharsets.UTF_8);
        StateMigration.migrate(data, log);
        log.flush();
        return 0;
    }
}
