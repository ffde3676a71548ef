package io.dexnode.bench.api;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The API load generator: {@code connections} clients over loopback HTTP, each sending its own
 * accounts' pre-signed {@code POST /v1/tx} bodies one after another (so every account's nonces
 * arrive in order) and timing each request from send to answer, which includes the wait for the
 * block's commit. Reports orders/s over the whole run and the latency distribution.
 */
public final class ApiLoad {
    private ApiLoad() {
    }

    /** Results of one run. Latencies in microseconds. */
    public record Report(int connections, long requests, double seconds, double ordersPerSecond, TreeMap<Integer, Long> statuses,
                         long p50Micros, long p99Micros, long p999Micros, long maxMicros, double meanMicros) {

        public String toJson() {
            StringBuilder s = new StringBuilder("{");
            s.append("\"benchmark\":\"api\",\"connections\":").append(connections).append(",\"requests\":").append(requests)
                    .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.3f", seconds))
                    .append(",\"ordersPerSecond\":").append(String.format(Locale.ROOT, "%.0f", ordersPerSecond))
                    .append(",\"latencyMicros\":{\"p50\":").append(p50Micros).append(",\"p99\":").append(p99Micros)
                    .append(",\"p999\":").append(p999Micros).append(",\"max\":").append(maxMicros)
                    .append(",\"mean\":").append(String.format(Locale.ROOT, "%.0f", meanMicros)).append("},\"statuses\":{");
            boolean first = true;
            for (var e : statuses.entrySet()) {
                s.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
                first = false;
            }
            return s.append("}}").toString();
        }

        public String summary() {
            return String.format(Locale.ROOT, "%d requests over %d connections in %.2f s: %.0f orders/s; latency p50 %.2f ms, "
                            + "p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; HTTP statuses %s",
                    requests, connections, seconds, ordersPerSecond, p50Micros / 1e3, p99Micros / 1e3, p999Micros / 1e3,
                    maxMicros / 1e3, statuses);
        }
    }

    /**
     * Sends every body of {@code perClient.get(i)} in order on client i, all clients at once.
     *
     * @param txUrl the node's {@code …/v1/tx}
     */
    public static Report run(URI txUrl, List<List<String>> perClient, PrintStream log) throws Exception {
        int clients = perClient.size();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Histogram> histograms = new ArrayList<>(clients);
        List<TreeMap<Integer, Long>> statuses = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            histograms.add(new Histogram(60_000_000_000L, 3));
            statuses.add(new TreeMap<>());
        }
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                int c = i;
                done.add(pool.submit(() -> {
                    for (String body : perClient.get(c)) {
                        HttpRequest req = HttpRequest.newBuilder(txUrl).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> r;
                        try {
                            r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        } catch (IOException e) {
                            statuses.get(c).merge(-1, 1L, Long::sum);
                            continue;
                        }
                        histograms.get(c).recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
                        statuses.get(c).merge(r.statusCode(), 1L, Long::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(60_000_000_000L, 3);
        TreeMap<Integer, Long> byStatus = new TreeMap<>();
        for (int i = 0; i < clients; i++) {
            all.add(histograms.get(i));
            statuses.get(i).forEach((k, v) -> byStatus.merge(k, v, Long::sum));
        }
        long n = all.getTotalCount();
        Report report = new Report(clients, n, seconds, n / seconds, byStatus, all.getValueAtPercentile(50),
                all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getMaxValue(), all.getMean());
        log.println(report.summary());
        return report;
    }
}
