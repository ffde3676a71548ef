package io.dexnode.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Runs the JMH benchmarks of the {@code bench} module with JMH's own command line
 * ({@code -l} lists them, {@code -h} shows JMH's options, a regex selects). Forked benchmark JVMs
 * get {@code --enable-native-access=ALL-UNNAMED} (RocksDB) and inherit this JVM's class path,
 * which, from {@code cli/target/dexnode.jar}, is the jar and its manifest's {@code lib/}.
 */
@Command(name = "jmh",
        description = {"Run the JMH micro-benchmarks with JMH's options, e.g.",
            "  dexnode bench jmh -l",
            "  dexnode bench jmh -f 1 -wi 2 -i 3 JmtUpdateBenchmark"})
public final class BenchJmhCommand implements Callable<Integer> {
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws RunnerException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            spec.commandLine().getErr().println("dexnode bench jmh: " + e.getMessage());
            return 2;
        }
        if (cmd.shouldHelp()) {
            try {
                cmd.showHelp();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return 0;
        }
        List<String> prepend = new ArrayList<>();
        // Forks inherit this JVM's flags; add the one RocksDB needs if the launcher did not.
        if (!java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains(NATIVE_ACCESS)) {
            prepend.add(NATIVE_ACCESS);
        }
        cmd.getJvmArgsPrepend().orElse(List.of()).forEach(prepend::add);
        Options options = new OptionsBuilder().parent(cmd).jvmArgsPrepend(prepend.toArray(String[]::new)).build();
        Runner runner = new Runner(options);
        if (cmd.shouldList()) {
            runner.list();
            return 0;
        }
        if (cmd.shouldListWithParams()) {
            runner.listWithParams(cmd);
            return 0;
        }
        if (cmd.shouldListProfilers() || cmd.shouldListResultFormats()) {
            spec.commandLine().getErr().println("dexnode bench jmh: -lprof and -lrf are not supported here");
            return 2;
        }
        Collection<?> results = runner.run();
        return results.isEmpty() ? 1 : 0;
    }
}
