package io.dexnode.bench.cluster;

import io.dexnode.bench.ChildJava;
import io.dexnode.bench.ScratchDirectory;
import io.dexnode.bench.api.ApiBench;
import io.dexnode.bench.api.ApiLoad;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Signed orders through a cluster of {@code nodes} replica processes on loopback, then through one
 * single-node process, in the same run: each process is the node's own command line started in a
 * fresh JVM ({@code mainClass run …}), the load generator runs in this one. The cluster's load goes
 * to its leader (a client that reaches a follower pays one forwarding hop more).
 */
public final class ClusterBench {
    private static final Duration START_WAIT = Duration.ofSeconds(120);

    /**
     * @param mainClass the dexnode command line's main class, run in each child JVM on this JVM's classpath
     * @param jvmOptions options of each child JVM (e.g. a heap size)
     */
    public record Settings(int nodes, int orders, int connections, int accounts, int blockMs, int blockTxs, boolean fsync,
                           long seed, String mainClass, List<String> jvmOptions) {
    }

    /** Both legs of the run. */
    public record Report(int nodes, ApiLoad.Report cluster, ApiLoad.Report single) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"cluster\",\"nodes\":%d,\"ordersPerSecond\":%.0f,"
                            + "\"singleNodeOrdersPerSecond\":%.0f,\"latencyMicros\":%s,\"singleNodeLatencyMicros\":%s,"
                            + "\"throughputRatio\":%.3f,\"cluster\":%s,\"singleNode\":%s}",
                    nodes, cluster.ordersPerSecond(), single.ordersPerSecond(), latency(cluster), latency(single),
                    cluster.ordersPerSecond() / single.ordersPerSecond(), cluster.toJson(), single.toJson());
        }

        private static String latency(ApiLoad.Report r) {
            return String.format(Locale.ROOT, "{\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d}", r.p50Micros(), r.p99Micros(),
                    r.p999Micros(), r.maxMicros());
        }
    }

    private ClusterBench() {
    }

    public static Report run(Settings s, PrintStream out) throws Exception {
        try (ScratchDirectory dir = ScratchDirectory.create(null, "dexnode-bench-cluster")) {
            ApiLoad.Report cluster;
            List<Process> replicas = new ArrayList<>();
            try {
                StringBuilder peers = new StringBuilder();
                List<Integer> httpPorts = new ArrayList<>();
                for (int i = 1; i <= s.nodes(); i++) {
                    int http = freePort();
                    httpPorts.add(http);
                    peers.append(i > 1 ? "," : "").append("n").append(i).append("=127.0.0.1:").append(freePort()).append(':').append(http);
                }
                for (int i = 1; i <= s.nodes(); i++) {
                    replicas.add(start(s, dir.path(), "n" + i, List.of("--node-id", "n" + i, "--peers", peers.toString())));
                }
                List<String> urls = new ArrayList<>();
                for (int port : httpPorts) {
                    urls.add("http://127.0.0.1:" + port);
                }
                String leader = awaitLeader(urls);
                out.printf("started %d replicas (block-ms %d, block-txs %d, fsync %s); the leader is %s%n", s.nodes(),
                        s.blockMs(), s.blockTxs(), s.fsync(), leader);
                cluster = ApiBench.run(settings(s, leader), out);
                out.println("cluster: " + cluster.summary());
            } finally {
                stop(replicas);
            }
            ApiLoad.Report single;
            List<Process> one = new ArrayList<>();
            try {
                int port = freePort();
                one.add(start(s, dir.path(), "single", List.of("--http", "127.0.0.1:" + port)));
                String url = "http://127.0.0.1:" + port;
                awaitReady(url);
                out.printf("started a single node (same flags) at %s%n", url);
                single = ApiBench.run(settings(s, url), out);
                out.println("single node: " + single.summary());
            } finally {
                stop(one);
            }
            return new Report(s.nodes(), cluster, single);
        }
    }

    private static ApiBench.Settings settings(Settings s, String url) {
        return new ApiBench.Settings(s.orders(), s.connections(), s.accounts(), url, 1, s.blockMs(), s.blockTxs(), s.fsync(),
                s.seed(), null);
    }

    private static Process start(Settings s, Path dir, String name, List<String> extra) throws IOException {
        List<String> cmd = ChildJava.command();
        cmd.addAll(s.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(s.mainClass());
        cmd.addAll(List.of("run", "--dev", "--data", dir.resolve(name).toString(), "--genesis", dir.resolve("absent.json").toString(),
                "--block-ms", Integer.toString(s.blockMs()), "--block-txs", Integer.toString(s.blockTxs()),
                "--queue", Integer.toString(Math.max(10_000, 2 * s.connections()))));
        if (!s.fsync()) {
            cmd.add("--no-fsync");
        }
        cmd.addAll(extra);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void stop(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String awaitLeader(List<String> urls) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String url : urls) {
                String body = get(http, url + "/v1/cluster");
                if (body != null && body.contains("\"role\":\"leader\"")) {
                    awaitReady(url);
                    return url;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no replica led within " + START_WAIT);
    }

    private static void awaitReady(String url) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String body = get(http, url + "/health/ready");
            if (body != null && body.contains("\"status\":\"ready\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " was not ready within " + START_WAIT);
    }

    private static String get(HttpClient http, String url) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A loopback port free just now, below Linux's ephemeral range (32768 and up): one found free
     * there can be taken as the source port of any outgoing connection before the node binds it.
     */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 12000 and 32000");
    }
}
