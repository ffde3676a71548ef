package io.dexnode.testsupport;

import java.time.Duration;

/**
 * The bounded form of "loop until it happens": polls a condition every few milliseconds and fails
 * the test, naming what it waited for, once the time is up. A test never spins forever on a
 * condition that a bug keeps false.
 */
public final class Waits {
    private static final long POLL_MILLIS = 2;

    /** A condition that may throw, as an HTTP request or a store read does. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Waits() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError when it still does not hold after {@code timeout}
     */
    public static void until(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout + " for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
