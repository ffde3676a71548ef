package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dexnode bench api} runs end to end in each mode on a small workload against an in-process
 * node and writes the JSON fields issue #10 names. (It measures nothing here: a test asserts no speed.)
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ApiBenchCliTest {
    @TempDir
    Path tmp;

    private JsonNode run(String name, String... mode) throws Exception {
        Path json = tmp.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of("bench", "api", "--orders", "400", "--connections", "4", "--no-fsync",
                "--json", json.toString()));
        args.addAll(List.of(mode));
        if (!args.contains("--warmup")) {
            args.addAll(List.of("--warmup", "0")); // the default warms up until the JIT has settled: seconds to a minute
        }
        assertThat(Main.execute(args.toArray(String[]::new))).as(name).isZero();
        return new ObjectMapper().readTree(Files.readString(json));
    }

    private static void hasTheReportFields(JsonNode r, String mode, int batch, String transport) {
        assertThat(r.get("mode").asText()).isEqualTo(mode);
        assertThat(r.get("batch").asInt()).isEqualTo(batch);
        assertThat(r.get("transport").asText()).isEqualTo(transport);
        assertThat(r.get("ordersPerSecond").asDouble()).isPositive();
        assertThat(r.get("txPerSecond").asDouble()).isPositive();
        assertThat(r.has("rate")).isTrue();
        for (String p : new String[] {"p50", "p99", "p999", "max"}) {
            assertThat(r.get("latencyMicros").get(p).asLong()).as(p).isPositive();
        }
        assertThat(r.get("cores").get("loadGenerator").isNumber()).isTrue();
        assertThat(r.get("cores").get("node").isNumber()).isTrue();
        assertThat(r.get("jitSeconds").isNumber()).as("the JIT compiler's time during the measured run").isTrue();
        assertThat(r.get("refusals").isObject()).as("refused transactions and actions by code").isTrue();
    }

    @Test
    void closedLoopOfSingleOrdersOverHttp() throws Exception {
        JsonNode r = run("closed");
        hasTheReportFields(r, "closed", 1, "http");
        assertThat(r.get("requests").asLong()).isEqualTo(400);
        assertThat(r.get("statuses").has("200")).isTrue();
    }

    @Test
    void batchesOverTheStreamAfterAWarmUp() throws Exception {
        JsonNode r = run("ws", "--batch", "5", "--ws", "--warmup", "100");
        hasTheReportFields(r, "closed", 5, "ws");
        assertThat(r.get("statuses").get("200").asLong()).isEqualTo(r.get("requests").asLong());
        assertThat(Math.round(r.get("ordersPerSecond").asDouble() / r.get("txPerSecond").asDouble())).isBetween(4L, 5L);
    }

    @Test
    void warmUpUntilTheJitSettlesContinuesTheAccountsNoncesAndClientOrderIdsIntoTheMeasuredRun() throws Exception {
        // Rounds of 1,000 orders until the JIT settles or a second has passed; every measured batch must then be
        // admitted: a nonce the warm-up used, or a client order id it placed, would be refused.
        JsonNode r = run("auto", "--batch", "5", "--warmup", "auto", "--warmup-limit", "1");
        hasTheReportFields(r, "closed", 5, "http");
        assertThat(r.get("requests").asLong()).isEqualTo(80);
        assertThat(r.get("statuses").get("200").asLong()).isEqualTo(80);
        // refused actions inside the admitted batches: none of what a reused nonce or id, or a full account, would give
        for (String code : new String[] {"stale_nonce", "duplicate_client_order_id", "too_many_orders"}) {
            assertThat(r.get("refusals").has(code)).as(code).isFalse();
        }
    }

    @Test
    void openLoopAtAFixedRate() throws Exception {
        JsonNode r = run("open", "--rate", "400");
        hasTheReportFields(r, "open", 1, "http");
        assertThat(r.get("rate").asDouble()).isEqualTo(400);
        assertThat(r.get("requests").asLong()).isEqualTo(400);
    }

    @Test
    void openLoopOverTheStreamReadsAnswersWhileItSends() throws Exception {
        // A closed loop over the stream reads each answer on its sending thread; an open loop may have many
        // waiting on a connection, read by the connection's own reader: every one must come back counted.
        JsonNode r = run("open-ws", "--rate", "800", "--batch", "2", "--ws");
        hasTheReportFields(r, "open", 2, "ws");
        assertThat(r.get("requests").asLong()).isEqualTo(200);
        assertThat(r.get("statuses").get("200").asLong()).isEqualTo(200);
    }

    @Test
    void anOpenLoopWarmsUpAtItsOwnRateBeforeItIsMeasured() throws Exception {
        // The closed rounds stop at the one-second limit; one round at the measured rate always follows
        // (1,000 orders, at 2,000/s), and the measured run continues the same flow.
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        JsonNode r;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            r = run("paced", "--rate", "2000", "--warmup", "auto", "--warmup-limit", "1");
        } finally {
            System.setOut(saved);
        }
        hasTheReportFields(r, "open", 1, "http");
        assertThat(r.get("requests").asLong()).isEqualTo(400);
        assertThat(r.get("statuses").get("200").asLong() + r.get("statuses").path("404").asLong()).isEqualTo(400);
        for (String code : new String[] {"stale_nonce", "duplicate_client_order_id", "too_many_orders"}) {
            assertThat(r.get("refusals").has(code)).as(code).isFalse();
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).containsPattern("warm-up round \\d+ \\(open loop, p99 [0-9.]+ ms\\): ")
                .contains("then at 2000 orders/s");
    }

    @Test
    void theTraceListsEveryMeasuredTransactionWithItsTimesAndStatus() throws Exception {
        Path trace = tmp.resolve("trace.csv");
        JsonNode r = run("traced", "--rate", "400", "--trace", trace.toString());
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines.get(0)).isEqualTo("client,index,dueMicros,sentMicros,answeredMicros,status");
        assertThat(lines).hasSize(1 + 400);
        long ok = 0;
        long firstDue = Long.MAX_VALUE;
        long lastDue = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            long due = Long.parseLong(f[2]);
            long sent = Long.parseLong(f[3]);
            long answered = Long.parseLong(f[4]);
            assertThat(sent).as(line).isGreaterThanOrEqualTo(due - 1_000); // a client sends when due, never much before
            assertThat(answered).as(line).isGreaterThan(sent);
            ok += f[5].equals("200") ? 1 : 0;
            firstDue = Math.min(firstDue, due);
            lastDue = Math.max(lastDue, due);
        }
        assertThat(ok).isEqualTo(r.get("statuses").get("200").asLong());
        // 400 transactions at 400/s: due over one second, on the schedule
        assertThat(lastDue - firstDue).isBetween(990_000L, 1_000_000L);
    }

    @Test
    void badModesAreRefused() {
        assertThat(Main.execute("bench", "api", "--batch", "51")).isEqualTo(2);
        assertThat(Main.execute("bench", "api", "--batch", "0")).isEqualTo(2);
        assertThat(Main.execute("bench", "api", "--rate", "-1")).isEqualTo(2);
        assertThat(Main.execute("bench", "api", "--warmup", "-1")).isEqualTo(2);
        assertThat(Main.execute("bench", "api", "--warmup", "soon")).isEqualTo(2);
        assertThat(Main.execute("bench", "api", "--warmup-limit", "0")).isEqualTo(2);
    }
}
