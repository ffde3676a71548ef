package io.dexnode.bench.api;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a node has spent: CPU time, and time in its JIT compiler — this process's, or a node
 * elsewhere's as its {@code /metrics} reports them ({@code process_cpu_seconds_total},
 * {@code jvm_compilation_time_seconds_total}).
 */
final class NodeCpu {
    private static final String CPU_METRIC = "process_cpu_seconds_total";
    private static final String JIT_METRIC = "jvm_compilation_time_seconds_total";

    private NodeCpu() {
    }

    /** CPU time of this whole process, or -1 if the JVM cannot tell. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The node's {@code process_cpu_seconds_total}, or NaN if it does not say. */
    static double seconds(URI base) {
        return metric(base, CPU_METRIC);
    }

    /**
     * Seconds the JIT compiler has spent compiling (summed over its threads): this process's when
     * {@code base} is null, else the node's {@code jvm_compilation_time_seconds_total}; NaN if unknown.
     */
    static double compileSeconds(URI base) {
        if (base == null) {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() / 1e3 : Double.NaN;
        }
        return metric(base, JIT_METRIC);
    }

    private static double metric(URI base, String name) {
        String prefix = name + " ";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(prefix)) {
                    return Double.parseDouble(line.substring(prefix.length()).trim());
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
