package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads and proofs at retained versions, on another thread, while commits, persists and pruning run,
 * give exactly what an independent model of the history says, or refuse the version as pruned (found
 * two proof failures: a recomputation that met a persist in flight, and one of a version persisted
 * meanwhile).
 */
@Timeout(120)
class ConcurrentReadsTest {
    private static final HexFormat HEX = HexFormat.of();
    @TempDir
    Path tmp;

    @ParameterizedTest
    // seed, node cache entries (0: unpersisted nodes in maps), persist every N versions, versions kept
    @CsvSource({"2, 0, 1, 2", "5, 0, 1, 1", "6, 0, 1, 2"})
    void readersSeeOnlyCommittedRetainedTruth(long seed, int budget, int every, int keep) throws Exception {
        int versions = 1000;
        ReferenceHistory ref = new ReferenceHistory();
        List<Long> vs = new ArrayList<>();
        List<WriteSet> sets = new ArrayList<>();
        SplittableRandom r0 = new SplittableRandom(seed);
        long v = 0;
        for (int i = 0; i < versions; i++) {
            WriteSet ws = Workload.writes(seed, v, 10);
            ref.apply(v, ws);
            vs.add(v);
            sets.add(ws);
            v += 1 + (r0.nextInt(5) == 0 ? r0.nextInt(3) : 0);
        }
        List<byte[]> keys = new ArrayList<>();
        for (int t = 0; t < Workload.TAGS; t++) {
            for (int id = 0; id < Workload.IDS; id++) {
                keys.add(Workload.key(t, id));
            }
        }
        StateConfig cfg = StateConfig.defaults().withFsync(false).withPruning(PruningConfig.keepLast(keep))
                .withBlockCacheBytes(8 << 20).withNodeCacheEntries(budget)
                .withTreePersistence(new TreePersistence(every, 1_000_000, 1 << 30));
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong checks = new AtomicLong();
        try (StateManager sm = StateManager.open(tmp.resolve("db"), cfg)) {
            Runnable reader = () -> {
                SplittableRandom r = new SplittableRandom(seed * 31 + Thread.currentThread().threadId());
                while (!done.get() && errors.size() < 5) {
                    long latest = sm.latestVersion();
                    long oldest = sm.oldestRetainedVersion();
                    if (latest < 0 || oldest < 0) {
                        continue;
                    }
                    long at = oldest + r.nextLong(latest - oldest + 1);
                    byte[] k = keys.get(r.nextInt(keys.size()));
                    TreeMap<byte[], byte[]> state = ref.at(at);
                    try {
                        byte[] got = sm.get(k, at);
                        if (!Arrays.equals(got, state.get(k))) {
                            errors.add("get " + HEX.formatHex(k) + " at " + at + ": " + (got == null ? null : HEX.formatHex(got))
                                    + " want " + (state.get(k) == null ? null : HEX.formatHex(state.get(k))));
                        }
                        if (ref.roots.containsKey(at)) {
                            StateProof p = sm.getWithProof(k, at);
                            if (!Arrays.equals(p.root(), ref.roots.get(at)) || !Arrays.equals(p.value(), state.get(k)) || !p.verify()) {
                                errors.add("proof " + HEX.formatHex(k) + " at " + at + " wrong");
                            }
                        }
                        checks.incrementAndGet();
                    } catch (StateException e) {
                        String m = String.valueOf(e.getMessage());
                        if (!m.contains("pruned") && !m.contains("not committed")) {
                            errors.add("at " + at + " (oldest " + oldest + ", latest " + latest + "): " + e);
                        }
                    } catch (RuntimeException e) {
                        java.io.StringWriter sw = new java.io.StringWriter();
                        e.printStackTrace(new java.io.PrintWriter(sw));
                        errors.add("at " + at + " (oldest " + oldest + ", latest " + latest + "): " + sw);
                    }
                }
            };
            Thread a = new Thread(reader, "concurrent-reader");
            a.start();
            try {
                for (int i = 0; i < versions && errors.isEmpty(); i++) {
                    PendingCommit pc = sm.commitPipelined(vs.get(i), sets.get(i), null);
                    if (!Arrays.equals(pc.root(), ref.roots.get(vs.get(i)))) {
                        errors.add("root of " + vs.get(i));
                    }
                    if (i % 7 == 0) {
                        pc.awaitDurable();
                    }
                }
                sm.awaitPruning();
            } finally {
                done.set(true);
                a.join();
            }
        }
        assertThat(errors).isEmpty();
        assertThat(checks.get()).as("reads made while the commits ran").isPositive();
    }
}
