package io.dexnode.bench.api;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every measured transaction's times, for {@code bench api --trace FILE}: when it was due (open
 * loop; its send in a closed loop), sent and answered, and the answer's status, written as CSV
 * with times in microseconds since this JVM started — the clock of {@code -Xlog}'s {@code uptime}
 * decoration, so a run's slow transactions line up with the collector's log of the same process
 * (the node's too when it runs in it). Each client writes only its own rows; the file is written
 * once every answer is in.
 */
final class TxTimeline {
    /** {@link System#nanoTime()} when this JVM started, to the millisecond. */
    private static final long JVM_START_NANOS = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;

    private final long[][] due;
    private final long[][] sent;
    private final long[][] answered;
    private final int[][] status;

    TxTimeline(List<? extends List<?>> perClient) {
        int clients = perClient.size();
        due = new long[clients][];
        sent = new long[clients][];
        answered = new long[clients][];
        status = new int[clients][];
        for (int c = 0; c < clients; c++) {
            int n = perClient.get(c).size();
            due[c] = new long[n];
            sent[c] = new long[n];
            answered[c] = new long[n];
            status[c] = new int[n];
        }
    }

    /** Client {@code c}'s transaction {@code k} is being sent now; it was due at {@code dueNanos}. */
    void sent(int c, int k, long dueNanos, long sentNanos) {
        due[c][k] = dueNanos;
        sent[c][k] = sentNanos;
    }

    /** Client {@code c}'s transaction {@code k} was answered now with {@code code} (-1: no answer). */
    void answered(int c, int k, long answeredNanos, int code) {
        answered[c][k] = answeredNanos;
        status[c][k] = code;
    }

    /** Writes the CSV; a transaction never answered has an empty answer time. */
    void write(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("client,index,dueMicros,sentMicros,answeredMicros,status\n");
            for (int c = 0; c < due.length; c++) {
                for (int k = 0; k < due[c].length; k++) {
                    boolean done = answered[c][k] != 0;
                    w.write(c + "," + k + "," + micros(due[c][k]) + "," + micros(sent[c][k]) + ","
                            + (done ? Long.toString(micros(answered[c][k])) : "") + "," + (done ? status[c][k] : -1) + "\n");
                }
            }
        }
    }

    private static long micros(long nanos) {
        return (nanos - JVM_START_NANOS) / 1_000;
    }
}
