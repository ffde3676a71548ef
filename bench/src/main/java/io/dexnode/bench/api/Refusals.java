package io.dexnode.bench.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The refusals in a run's answers, by code: a refused transaction's ({@code {"code":…}}) and each
 * refused action of an admitted batch (the batch answers 200 and lists them in its results). The
 * statuses alone would hide the latter: a batch whose actions all fail — an account at the market's
 * open-order cap, say — costs the node little and would pass for fast orders. Answers are scanned
 * for {@code "code":"}, which JSON can carry only as a field name (inside a string its quotes are
 * escaped). Thread-safe.
 */
final class Refusals {
    private static final byte[] FIELD = "\"code\":\"".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, LongAdder> byCode = new ConcurrentHashMap<>();

    /** Counts the codes in an answer's bytes {@code [from, to)}. */
    void scan(byte[] answer, int from, int to) {
        for (int i = indexOf(answer, from, to); i >= 0; i = indexOf(answer, i, to)) {
            int end = i;
            while (end < to && answer[end] != '"') {
                end++;
            }
            if (end == to) {
                return; // cut short: no closing quote
            }
            add(new String(answer, i, end - i, StandardCharsets.US_ASCII));
            i = end;
        }
    }

    private void add(String code) {
        byCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** The counts so far, by code in order. */
    TreeMap<String, Long> counts() {
        TreeMap<String, Long> out = new TreeMap<>();
        byCode.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Where the code after the next {@code "code":"} at or after {@code from} starts, or -1. */
    private static int indexOf(byte[] b, int from, int to) {
        outer:
        for (int i = from; i <= to - FIELD.length; i++) {
            for (int j = 0; j < FIELD.length; j++) {
                if (b[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
            return i + FIELD.length;
        }
        return -1;
    }
}
