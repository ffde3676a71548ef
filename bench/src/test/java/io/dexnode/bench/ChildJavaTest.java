package io.dexnode.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJavaTest {
    @Test
    void aChildGetsTheParentsCollectorOptionsButNotItsHeapPropertiesOrFlightRecording() {
        List<String> parent = List.of("-Xmx2g", "-XX:+UnlockExperimentalVMOptions", "-XX:G1NewSizePercent=30",
                "-XX:StartFlightRecording=filename=/tmp/x.jfr", "-XX:FlightRecorderOptions=stackdepth=96",
                "-Dsome.property=1", "-XX:+UseParallelGC");

        List<String> cmd = ChildJava.command(parent);

        assertThat(cmd).containsExactly(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UnlockExperimentalVMOptions", "-XX:G1NewSizePercent=30", "-XX:+UseParallelGC");
    }

    @Test
    void theCommandCanBeExtendedByTheCaller() {
        List<String> cmd = ChildJava.command();
        cmd.add("-version");
        assertThat(cmd).endsWith("-version");
    }
}
