package io.dexnode.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A child JVM running a main class on this test's classpath, there to be killed with SIGKILL: what
 * the crash tests do to a committing store, engine or node. Its standard output is read line by
 * line on a daemon thread (so the child never blocks on a full pipe) and kept for the test to wait
 * on; its standard error is kept as a short tail for failure messages. Every wait is bounded, and a
 * child that outlives a wait is reported with what it printed.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);
    private static final Duration READER_WAIT = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 40;

    private final Process process;
    private final String name;
    /** Set once by {@link #start}, before the child is handed out. */
    private Thread outReader;
    private Thread errReader;
    /** Guarded by this: every line of standard output so far, and whether it has ended. */
    private final List<String> out = new ArrayList<>();
    private boolean outEnded;
    /** Guarded by this: the last lines of standard error. */
    private final Deque<String> errTail = new ArrayDeque<>();

    private ChildJvm(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    private void startReaders() {
        outReader = reader(process.getInputStream(), name + "-stdout", line -> {
            synchronized (this) {
                out.add(line);
                notifyAll();
            }
        }, () -> {
            synchronized (this) {
                outEnded = true;
                notifyAll();
            }
        });
        errReader = reader(process.getErrorStream(), name + "-stderr", line -> {
            synchronized (this) {
                if (errTail.size() == TAIL_LINES) {
                    errTail.removeFirst();
                }
                errTail.addLast(line);
            }
        }, () -> { });
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM of this one's Java, on this one's
     * classpath, with native access enabled (RocksDB) and {@code jvmOptions} (e.g. {@code -Xmx256m}).
     */
    public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        ChildJvm child = new ChildJvm(new ProcessBuilder(cmd).start(), mainClass.getSimpleName());
        child.startReaders();
        return child;
    }

    /**
     * The first line of standard output that {@code matches}, waiting for it up to {@code timeout}.
     *
     * @throws AssertionError if the child's output ends (it exited) or the time runs out first
     */
    public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            for (int i = 0; ; i++) {
                while (i >= out.size()) {
                    if (outEnded) {
                        throw new AssertionError(name + " exited before printing the line awaited" + describe());
                    }
                    waitUntil(deadline, timeout);
                }
                if (matches.test(out.get(i))) {
                    return out.get(i);
                }
            }
        }
    }

    /**
     * Waits up to {@code timeout} until {@code count} lines of standard output match.
     *
     * @return true when they did; false when the child's output ended (it exited) first
     * @throws AssertionError if the time runs out first
     */
    public boolean awaitLines(Predicate<String> matches, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int matched = 0;
        synchronized (this) {
            for (int i = 0; ; i++) {
                while (i >= out.size()) {
                    if (outEnded) {
                        return false;
                    }
                    waitUntil(deadline, timeout);
                }
                if (matches.test(out.get(i)) && ++matched >= count) {
                    return true;
                }
            }
        }
    }

    /** The last line of standard output so far that {@code matches}. */
    public synchronized Optional<String> lastLine(Predicate<String> matches) {
        for (int i = out.size() - 1; i >= 0; i--) {
            if (matches.test(out.get(i))) {
                return Optional.of(out.get(i));
            }
        }
        return Optional.empty();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGSTOP: the child freezes (a hung machine, a long pause) until {@link #resume}. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a frozen child runs on. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * SIGKILL: the child stops wherever it is. Returns once it is gone and all it printed has been
     * read, so {@link #lastLine} then sees its last words.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs " + EXIT_WAIT + " after SIGKILL");
        }
        outReader.join(READER_WAIT.toMillis());
        errReader.join(READER_WAIT.toMillis());
    }

    /** Kills the child if it still runs; an interrupt cuts the wait for its exit short and stays set. */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitUntil(long deadline, Duration timeout) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError(name + " did not print the lines awaited within " + timeout + describe());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
    }

    /** Exit status and the last lines of both outputs, for a failure message. */
    public synchronized String describe() {
        String status = process.isAlive() ? "still running" : "exit status " + process.exitValue();
        List<String> lastOut = out.subList(Math.max(0, out.size() - TAIL_LINES), out.size());
        return " (" + status + ")\n--- last standard output ---\n" + String.join("\n", lastOut)
                + "\n--- last standard error ---\n" + String.join("\n", errTail);
    }

    private static Thread reader(InputStream stream, String threadName, Consumer<String> onLine, Runnable onEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the child is gone; what was read is what counts
            } finally {
                onEnd.run();
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
