package io.dexnode.bench.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator's accounting against a stand-in node that holds its first answer for
 * {@link #STALL_MS}: the open loop times each transaction from when it was due, so the ones due
 * during the stall carry it as latency, and none goes missing from the count; and against one that
 * goes away after a few answers: what it never answered is counted apart, not as answers. Only
 * lower bounds are asserted (the stall is the least any of them can have waited), never a speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiLoadTest {
    private static final long STALL_MS = 300;
    private static final int TRANSACTIONS = 20;
    /** One transaction every 10 ms: all 20 are due within the first 200 ms, inside the stall. */
    private static final double RATE = 100;

    private HttpServer server;
    private ExecutorService threads;
    private final AtomicBoolean stalled = new AtomicBoolean();
    /** What every answer after the first says, and whether it is sent chunked (no length). */
    private volatile String answerBody = "{}";
    private volatile boolean chunked;
    /** After this many answers the stand-in node goes away (stops listening); 0: never. */
    private volatile int answersBeforeDeath;
    private final AtomicInteger answered = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        threads = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/v1/tx", this::answer);
        server.createContext("/metrics", ex -> reply(ex, 200, ""));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void answer(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        if (stalled.compareAndSet(false, true)) {
            try {
                Thread.sleep(STALL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (answersBeforeDeath > 0 && answered.incrementAndGet() >= answersBeforeDeath) {
            reply(ex, 200, answerBody);
            server.stop(0); // the node dies: the rest find nothing listening
            return;
        }
        if (chunked) {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(answerBody.getBytes(StandardCharsets.UTF_8));
            ex.close();
            return;
        }
        reply(ex, 200, answerBody);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private ApiLoad.Report run(double rate) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < TRANSACTIONS; i++) {
            bodies.add("{\"payload\":\"" + i + "\",\"pubkey\":\"00\",\"signature\":\"00\"}");
        }
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        ApiLoad.Load load = new ApiLoad.Load(base, List.of(bodies), TRANSACTIONS, 1, ApiLoad.Transport.HTTP, rate, false);
        return ApiLoad.run(load, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void openLoopTimesEachTransactionFromItsDueTimeSoAStallShowsAsLatency() throws Exception {
        ApiLoad.Report r = run(RATE);
        assertThat(r.mode()).isEqualTo("open");
        assertThat(r.requests()).isEqualTo(TRANSACTIONS);
        assertThat(r.statuses()).isEqualTo(Map.of(200, (long) TRANSACTIONS));
        // Transaction k was due 10·k ms after the start and answered no earlier than the stall's end:
        // every one of them waited at least 300 - 10·19 = 110 ms from its due time.
        assertThat(r.p50Micros()).isGreaterThanOrEqualTo(100_000);
        assertThat(r.maxMicros()).isGreaterThanOrEqualTo(STALL_MS * 1_000);
    }

    @Test
    void closedLoopTimesEachTransactionFromItsSendSoOnlyTheStalledOneIsSlow() throws Exception {
        ApiLoad.Report r = run(0);
        assertThat(r.mode()).isEqualTo("closed");
        assertThat(r.requests()).isEqualTo(TRANSACTIONS);
        assertThat(r.statuses()).isEqualTo(Map.of(200, (long) TRANSACTIONS));
        assertThat(r.maxMicros()).isGreaterThanOrEqualTo(STALL_MS * 1_000);
        // Nineteen of the twenty were sent after the stall and timed from their own send.
        assertThat(r.p50Micros()).isLessThan(r.maxMicros());
    }

    @Test
    void transactionsANodeNeverAnsweredAreCountedApartAndNeitherTimedNorInTheRates() throws Exception {
        stalled.set(true); // no stall here
        answersBeforeDeath = 5;
        ApiLoad.Report r = run(0);
        // Five answered; the fifteen sent after the node went away failed at once. Counted as
        // answers, they made a dead node look three times faster and its latency near zero.
        assertThat(r.statuses()).isEqualTo(Map.of(200, 5L, ApiLoad.NO_ANSWER, 15L));
        assertThat(r.unanswered()).isEqualTo(15);
        assertThat(r.requests()).isEqualTo(5);
        assertThat(r.txPerSecond() * r.seconds()).isCloseTo(5.0, offset(1e-6));
        assertThat(r.summary()).contains("NO ANSWER to 15 of 20 transactions");
        assertThat(r.toJson()).contains("\"unanswered\":15");
    }

    @Test
    void refusalsInLargeAnswersAreCountedWhetherTheirLengthIsGivenOrChunked() throws Exception {
        // A batch answer of 50 refused actions with long messages: far past the connection's first 4 KiB buffer.
        StringBuilder b = new StringBuilder("{\"height\":3,\"type\":\"batch\",\"results\":[");
        for (int i = 0; i < 50; i++) {
            b.append(i > 0 ? "," : "").append("{\"code\":\"").append(i % 2 == 0 ? "too_many_orders" : "insufficient_margin")
                    .append("\",\"message\":\"").append("x".repeat(300)).append("\",\"status\":422}");
        }
        answerBody = b.append("]}").toString();
        stalled.set(true); // no stall here
        for (boolean chunks : new boolean[] {false, true}) {
            chunked = chunks;
            ApiLoad.Report r = run(0);
            assertThat(r.statuses()).as("chunked %s", chunks).isEqualTo(Map.of(200, (long) TRANSACTIONS));
            // each of the 20 answers lists 25 refusals of each code
            assertThat(r.refusals()).as("chunked %s", chunks)
                    .isEqualTo(Map.of("too_many_orders", 25L * TRANSACTIONS, "insufficient_margin", 25L * TRANSACTIONS));
        }
    }
}
