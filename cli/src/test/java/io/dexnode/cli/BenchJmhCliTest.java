package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code dexnode bench jmh} hands its arguments to JMH, which finds the bench module's benchmarks. */
class BenchJmhCliTest {

    @Test
    void listingShowsTheJmtBenchmarks() {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            // JMH's runner prints the list to System.out.
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.execute("bench", "jmh", "-l");
        } finally {
            System.setOut(saved);
        }
        assertThat(exit).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("io.dexnode.bench.jmt.JmtUpdateBenchmark.updatesBatch10k")
                .contains("io.dexnode.bench.jmt.JmtUpdateBenchmark.updatesBatch1k")
                .contains("io.dexnode.bench.jmt.Sha256Benchmark.sha256Of64Bytes");
    }

    @Test
    void badJmhOptionsAreRejected() {
        assertThat(Main.execute("bench", "jmh", "-f", "notanumber")).isNotZero();
    }
}
