package io.dexnode.bench.api;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CPU time a node has used: this process's, or a node elsewhere's as its {@code /metrics} reports it. */
final class NodeCpu {
    private static final String METRIC = "process_cpu_seconds_total ";

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
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(METRIC)) {
                    return Double.parseDouble(line.substring(METRIC.length()).trim());
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
