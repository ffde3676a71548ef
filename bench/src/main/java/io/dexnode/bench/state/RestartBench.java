package io.dexnode.bench.state;

import io.dexnode.bench.ChildJava;
import io.dexnode.bench.ScratchDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code dexnode bench state --restart}: how long a store takes to serve again after SIGKILL with
 * the largest unpersisted run its default settings allow. A child process fills N keys, commits K
 * random updates per version until one more would start a tree persist, and is killed; then, a
 * few times, a fresh process opens the store (RocksDB's own recovery, then the tree rebuilt from
 * the last persisted tree and the change logs, every root checked), reads a key, and is killed in
 * turn. Reported: the open as the process times it, and the wall time from starting the process
 * to its first answer (the JVM's start included).
 */
public final class RestartBench {
    private RestartBench() {}

    /**
     * @param keys the state size N
     * @param batch key updates per version K
     * @param unpersistedVersions versions re-applied on each open
     * @param unpersistedKeyUpdates key updates re-applied on each open
     * @param openMillis each open, as the process timed it
     * @param spawnToServingMillis each restart from starting the process to its first answer
     */
    public record Report(long keys, int batch, long unpersistedVersions, long unpersistedKeyUpdates, double[] openMillis,
                         double[] spawnToServingMillis) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"keys\":%d,\"batch\":%d,\"unpersistedVersions\":%d,\"unpersistedKeyUpdates\":%d,"
                            + "\"openMillis\":%s,\"spawnToServingMillis\":%s,\"medianOpenMillis\":%.1f,\"medianSpawnToServingMillis\":%.1f}",
                    keys, batch, unpersistedVersions, unpersistedKeyUpdates, array(openMillis), array(spawnToServingMillis),
                    median(openMillis), median(spawnToServingMillis));
        }

        private static String array(double[] xs) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < xs.length; i++) {
                sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", xs[i]));
            }
            return sb.append(']').toString();
        }
    }

    public static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static Report run(long keys, int batch, int restarts, Path baseDir, long seed, PrintStream log) {
        try (ScratchDirectory tmp = ScratchDirectory.create(baseDir, "dexnode-bench-restart-")) {
            Path dir = tmp.path().resolve("state");
            log.printf("filling %,d keys, then updates of %,d keys per version up to the largest unpersisted run ...%n", keys, batch);
            String[] ready = runUntil(List.of("fill", dir.toString(), Long.toString(keys), Integer.toString(batch),
                    Long.toString(seed)), "ready ", 3_600).line().split(" ");
            long versions = Long.parseLong(ready[1]);
            long updates = Long.parseLong(ready[2]);
            log.printf("  killed with %,d versions (%,d key updates) not in the persisted tree%n", versions, updates);
            double[] open = new double[restarts];
            double[] wall = new double[restarts];
            for (int i = 0; i < restarts; i++) {
                Answer a = runUntil(List.of("open", dir.toString(), Long.toString(keys)), "serving ", 600);
                String[] f = a.line().split(" ");
                open[i] = Double.parseDouble(f[1]);
                wall[i] = a.millis();
                log.printf(Locale.ROOT, "  restart %d: serving %.0f ms after the process started (open %.0f ms; re-applied %s versions, %s key updates)%n",
                        i + 1, wall[i], open[i], f[2], f[3]);
            }
            return new Report(keys, batch, versions, updates, open, wall);
        }
    }

    private record Answer(String line, double millis) {}

    /** Starts a child, waits for its line starting with {@code prefix}, kills it (SIGKILL). */
    private static Answer runUntil(List<String> args, String prefix, long timeoutSeconds) {
        List<String> cmd = ChildJava.command();
        cmd.addAll(List.of("-Xmx" + Math.max(1L << 30, Runtime.getRuntime().maxMemory()),
                "-cp", System.getProperty("java.class.path"), RestartChild.class.getName()));
        cmd.addAll(args);
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    double ms = (System.nanoTime() - start) / 1e6;
                    return new Answer(line, ms);
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            throw new IllegalStateException("the restart benchmark's child " + args.get(0) + " stopped without saying '"
                    + prefix.trim() + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            p.destroyForcibly(); // SIGKILL
            try {
                p.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
