package io.dexnode.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line for a benchmark's child JVM: this JVM's {@code java}, native access
 * for RocksDB, and the {@code -XX:} options this JVM was started with (the launcher's collector
 * settings, and any given in {@code DEXNODE_JAVA_OPTS}), so that a node, a restart or a recovery
 * in a child process runs with the collector it would have under {@code ./dexnode}. A flight
 * recording is not passed on: two JVMs would write one file.
 */
public final class ChildJava {
    private ChildJava() {}

    /** {@code java --enable-native-access=ALL-UNNAMED} and this JVM's {@code -XX:} options, in their order. */
    public static List<String> command() {
        return command(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** As {@link #command()}, for a JVM started with {@code parentArguments}. */
    static List<String> command(List<String> parentArguments) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String arg : parentArguments) {
            if (arg.startsWith("-XX:") && !arg.startsWith("-XX:StartFlightRecording")
                    && !arg.startsWith("-XX:FlightRecorderOptions")) {
                cmd.add(arg);
            }
        }
        return cmd;
    }
}
