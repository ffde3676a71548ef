package io.dexnode.bench.api;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The API load generator: {@code connections} clients over loopback, each sending its own
 * accounts' pre-signed transactions in order (so every account's nonces arrive in order), over
 * HTTP ({@code POST /v1/tx}, one request at a time per connection) or over the stream
 * ({@code {"op":"tx"}} on {@code /v1/stream}).
 *
 * <p>Closed loop: each client sends its next transaction when the previous one is answered, and
 * a transaction is timed from its send. Open loop ({@code rate} orders/s): transaction i is due at
 * {@code start + i / txRate} on a fixed schedule, whatever the answers, and is timed from when it
 * was due, so a node that stalls shows as latency rather than as fewer requests. (Over HTTP a
 * connection has one request at a time: a late answer delays that connection's next send, still
 * timed from its due time; over the stream sends never wait for answers.)
 *
 * <p>Each side's CPU is reported: the load generator's threads' own CPU time, and the node's
 * (the process's CPU time less the generator's when the node runs in this JVM, else the node's
 * {@code process_cpu_seconds_total}), as cores used over the run.
 */
public final class ApiLoad {
    private static final long HISTOGRAM_MAX_MICROS = 600_000_000L;
    /** The status a transaction is counted under when it got no answer at all. */
    public static final int NO_ANSWER = -1;
    private static final String CLIENT_THREAD = "bench-client-";
    private static final String STREAM_THREAD = "bench-ws-";

    private ApiLoad() {
    }

    /** How transactions travel. */
    public enum Transport {
        HTTP, WS;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One run: per client, its signed {@code POST /v1/tx} bodies in order; how many orders they carry
     * in all; orders per transaction ({@code batch}); the transport; and the open-loop rate in
     * orders/s (0: closed loop). {@code nodeInProcess}: the node runs in this JVM (its CPU is the
     * process's less the generator's).
     */
    public record Load(URI base, List<List<String>> perClient, long orders, int batch, Transport transport, double rate,
                       boolean nodeInProcess) {
        String mode() {
            return rate > 0 ? "open" : "closed";
        }
    }

    /**
     * Results of one run. Latencies in microseconds; cores are CPU seconds per second of the run; {@code jitSeconds} the
     * time the node's JIT compiler spent compiling during it (this whole process's when the node runs in it; NaN if unknown);
     * {@code refusals} the refused transactions and batch actions by code ({@link Refusals}).
     */
    public record Report(int connections, long requests, double seconds, double ordersPerSecond, double txPerSecond, int batch,
                         String mode, double rate, String transport, TreeMap<Integer, Long> statuses, long p50Micros,
                         long p99Micros, long p999Micros, long maxMicros, double meanMicros, double nodeCores,
                         double loadCores, int availableCores, double jitSeconds, TreeMap<String, Long> refusals) {

        public String toJson() {
            StringBuilder s = new StringBuilder("{");
            s.append("\"benchmark\":\"api\",\"mode\":\"").append(mode).append("\",\"transport\":\"").append(transport)
                    .append("\",\"batch\":").append(batch).append(",\"rate\":").append(fmt(rate))
                    .append(",\"connections\":").append(connections).append(",\"requests\":").append(requests)
                    .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.3f", seconds))
                    .append(",\"ordersPerSecond\":").append(fmt(ordersPerSecond))
                    .append(",\"txPerSecond\":").append(fmt(txPerSecond))
                    .append(",\"latencyMicros\":{\"p50\":").append(p50Micros).append(",\"p99\":").append(p99Micros)
                    .append(",\"p999\":").append(p999Micros).append(",\"max\":").append(maxMicros)
                    .append(",\"mean\":").append(fmt(meanMicros)).append("},\"unanswered\":").append(unanswered())
                    .append(",\"statuses\":");
            counts(s, statuses);
            s.append(",\"cores\":{\"node\":").append(Double.isNaN(nodeCores) ? "null" : String.format(Locale.ROOT, "%.2f", nodeCores))
                    .append(",\"loadGenerator\":").append(String.format(Locale.ROOT, "%.2f", loadCores))
                    .append(",\"available\":").append(availableCores).append('}');
            s.append(",\"refusals\":");
            counts(s, refusals);
            s.append(",\"jitSeconds\":").append(Double.isNaN(jitSeconds) ? "null" : String.format(Locale.ROOT, "%.2f", jitSeconds));
            return s.append('}').toString();
        }

        /** {@code {"key":count,…}}. */
        private static void counts(StringBuilder s, Map<?, Long> counts) {
            s.append('{');
            boolean first = true;
            for (var e : counts.entrySet()) {
                s.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
                first = false;
            }
            s.append('}');
        }

        private static String fmt(double x) {
            return String.format(Locale.ROOT, "%.0f", x);
        }

        /** Transactions that got no answer (the connection failed or closed, or none came within 120 s). */
        public long unanswered() {
            return statuses.getOrDefault(NO_ANSWER, 0L);
        }

        public String summary() {
            String line = String.format(Locale.ROOT, "%s loop%s over %s, %d orders per transaction: %d transactions over %d connections"
                            + " in %.2f s: %.0f orders/s (%.0f transactions/s); latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                            + " max %.2f ms; statuses %s%s; cores used: node %s, load generator %.2f (of %d); JIT compiling %s s",
                    mode, rate > 0 ? String.format(Locale.ROOT, " at %.0f orders/s", rate) : "", transport, batch, requests,
                    connections, seconds, ordersPerSecond, txPerSecond, p50Micros / 1e3, p99Micros / 1e3, p999Micros / 1e3,
                    maxMicros / 1e3, statuses, refusals.isEmpty() ? "" : ", refused " + (batch > 1 ? "actions " : "") + refusals,
                    Double.isNaN(nodeCores) ? "unknown" : String.format(Locale.ROOT, "%.2f", nodeCores),
                    loadCores, availableCores, Double.isNaN(jitSeconds) ? "unknown" : String.format(Locale.ROOT, "%.1f", jitSeconds));
            return unanswered() == 0 ? line : line + String.format(Locale.ROOT, "%nNO ANSWER to %d of %d transactions (status %d:"
                    + " the connection failed or closed): the rates and latencies above count the %d answered ones only",
                    unanswered(), requests + unanswered(), NO_ANSWER, requests);
        }
    }

    /**
     * Sends every body of {@code perClient.get(i)} in order on client i, all clients at once, in a
     * closed loop over HTTP (the funding deposits; the cluster benchmark).
     *
     * @param txUrl the node's {@code …/v1/tx}
     */
    public static Report run(URI txUrl, List<List<String>> perClient, PrintStream log) throws Exception {
        long n = perClient.stream().mapToLong(List::size).sum();
        URI base = URI.create(txUrl.getScheme() + "://" + txUrl.getAuthority());
        return run(new Load(base, perClient, n, 1, Transport.HTTP, 0, false), log);
    }

    public static Report run(Load load, PrintStream log) throws Exception {
        return run(load, log, null);
    }

    /** As {@link #run(Load, PrintStream)}, and writes every transaction's times to {@code trace} ({@link TxTimeline}) unless null. */
    public static Report run(Load load, PrintStream log, Path trace) throws Exception {
        int clients = load.perClient().size();
        long txs = load.perClient().stream().mapToLong(List::size).sum();
        double txRate = load.rate() > 0 ? load.rate() / load.batch() : 0;
        long interval = txRate > 0 ? Math.max(1, Math.round(1e9 / txRate)) : 0;
        ConcurrentHistogram latency = new ConcurrentHistogram(HISTOGRAM_MAX_MICROS, 3);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        Refusals refusals = new Refusals();
        TxTimeline timeline = trace == null ? null : new TxTimeline(load.perClient());
        long[] clientCpu = new long[clients];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        // Everything a send needs is built before the clock starts.
        List<List<Object>> wire = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            List<Object> mine = new ArrayList<>(load.perClient().get(c).size());
            int k = 0;
            for (String body : load.perClient().get(c)) {
                mine.add(load.transport() == Transport.HTTP
                        ? HttpTxConnection.request(load.base(), "/v1/tx", body.getBytes(StandardCharsets.UTF_8))
                        : StreamTxConnection.frame(c + "-" + k, body));
                k++;
            }
            wire.add(mine);
        }
        List<AutoCloseable> connections = new ArrayList<>(clients);
        try {
            for (int c = 0; c < clients; c++) {
                if (load.transport() == Transport.HTTP) {
                    HttpTxConnection conn = new HttpTxConnection(load.base(), refusals);
                    conn.open();
                    connections.add(conn);
                } else {
                    // A closed loop reads each answer on the sending thread, as over HTTP; an open loop needs a reader.
                    connections.add(new StreamTxConnection(load.base(), refusals, interval > 0 ? STREAM_THREAD + c : null));
                }
            }
            double nodeCpuBefore = load.nodeInProcess() ? 0 : NodeCpu.seconds(load.base());
            URI jitOf = load.nodeInProcess() ? null : load.base();
            double jitBefore = NodeCpu.compileSeconds(jitOf);
            long streamCpuBefore = threadCpu(mx, STREAM_THREAD);
            long processCpuBefore = NodeCpu.processNanos();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>(clients);
            List<CompletableFuture<?>> unanswered = new ArrayList<>();
            long[] startAt = new long[1];
            for (int i = 0; i < clients; i++) {
                int c = i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    List<CompletableFuture<?>> mine = client(c, wire.get(c), connections.get(c), startAt[0], interval, clients,
                            latency, statuses, timeline);
                    synchronized (unanswered) {
                        unanswered.addAll(mine);
                    }
                    clientCpu[c] = mx.getCurrentThreadCpuTime() - cpu0;
                }, CLIENT_THREAD + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            startAt[0] = start;
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            List<CompletableFuture<?>> pending;
            synchronized (unanswered) {
                pending = List.copyOf(unanswered);
            }
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                long missing = pending.stream().filter(f -> !f.isDone()).count();
                statuses.computeIfAbsent(NO_ANSWER, k -> new LongAdder()).add(missing);
                log.printf("%d transactions got no answer within 120 s after the last send%n", missing);
            }
            long end = System.nanoTime();
            double seconds = Math.max(1e-9, (end - Math.max(start, 0)) / 1e9);
            long loadCpu = threadCpu(mx, STREAM_THREAD) - streamCpuBefore;
            for (long cpu : clientCpu) {
                loadCpu += cpu;
            }
            long processCpu = NodeCpu.processNanos() - processCpuBefore;
            double nodeCores = load.nodeInProcess() ? (processCpu - loadCpu) / 1e9 / seconds
                    : (NodeCpu.seconds(load.base()) - nodeCpuBefore) / seconds;
            Histogram all = latency.copy();
            TreeMap<Integer, Long> byStatus = new TreeMap<>();
            statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
            long answered = all.getTotalCount();
            double orders = load.orders() * (double) answered / Math.max(1, txs);
            Report report = new Report(clients, answered, seconds, orders / seconds, answered / seconds, load.batch(), load.mode(),
                    load.rate(), load.transport().jsonName(), byStatus, all.getValueAtPercentile(50), all.getValueAtPercentile(99),
                    all.getValueAtPercentile(99.9), all.getMaxValue(), all.getMean(), nodeCores, loadCpu / 1e9 / seconds,
                    Runtime.getRuntime().availableProcessors(), NodeCpu.compileSeconds(jitOf) - jitBefore, refusals.counts());
            log.println(report.summary());
            if (timeline != null) {
                timeline.write(trace);
                log.printf("wrote every transaction's times to %s%n", trace);
            }
            return report;
        } finally {
            for (AutoCloseable c : connections) {
                c.close();
            }
        }
    }

    /**
     * One client's sends, on its own thread: each when the previous is answered (closed loop), or
     * each at its due time (open loop). Returns the answers still to come (the stream's, open loop).
     */
    private static List<CompletableFuture<?>> client(int c, List<Object> wire, AutoCloseable connection, long start, long interval,
                                                      int clients, ConcurrentHistogram latency, Map<Integer, LongAdder> statuses,
                                                      TxTimeline timeline) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int k = 0; k < wire.size(); k++) {
            long due = interval > 0 ? start + ((long) k * clients + c) * interval : 0;
            if (interval > 0) {
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            long sent = System.nanoTime();
            long from = interval > 0 ? due : sent;
            if (timeline != null) {
                timeline.sent(c, k, from, sent);
            }
            int index = k;
            byte[] bytes = (byte[]) wire.get(k);
            if (interval > 0 && connection instanceof StreamTxConnection ws) {
                CompletableFuture<Integer> answer;
                try {
                    answer = ws.send(c + "-" + k, bytes);
                } catch (IOException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
                pending.add(answer.whenComplete((status, failure) ->
                        record(latency, statuses, from, failure == null ? status : NO_ANSWER, timeline, c, index)));
                continue;
            }
            int status;
            try {
                status = connection instanceof HttpTxConnection http ? http.post(bytes)
                        : ((StreamTxConnection) connection).call(c + "-" + k, bytes);
            } catch (IOException e) {
                status = NO_ANSWER;
            }
            record(latency, statuses, from, status, timeline, c, index);
        }
        return pending;
    }

    /**
     * Counts an answer's status and times it. A send that got no answer (status {@value #NO_ANSWER}: the
     * connection failed or closed) is counted but not timed: it has no latency, and timing it would
     * report a dead node's refused connections as fast answers.
     */
    private static void record(ConcurrentHistogram latency, Map<Integer, LongAdder> statuses, long from, int status,
                               TxTimeline timeline, int c, int k) {
        long now = System.nanoTime();
        if (status != NO_ANSWER) {
            latency.recordValue(Math.min(HISTOGRAM_MAX_MICROS, Math.max(1, (now - from) / 1_000)));
        }
        statuses.computeIfAbsent(status, key -> new LongAdder()).increment();
        if (timeline != null) {
            timeline.answered(c, k, now, status);
        }
    }

    /** CPU time of the live threads whose names start with {@code prefix}. */
    private static long threadCpu(ThreadMXBean mx, String prefix) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
        }
        return sum;
    }
}
