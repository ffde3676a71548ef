package io.dexnode.node.health;

/**
 * Whether the node should receive traffic. Live while the process runs; ready once recovery has
 * finished, while the last consistency check passed, and until the node halts or shuts down.
 * Written by the producer and the lifecycle, read by HTTP threads.
 */
public final class NodeHealth {
    private volatile boolean recovered;
    private volatile boolean consistent = true;
    private volatile boolean halted;
    private volatile boolean stopping;
    private volatile String lastProblem;

    public void recovered() {
        recovered = true;
    }

    public void consistencyChecked(String problem) {
        consistent = problem == null;
        if (problem != null) {
            lastProblem = problem;
        }
    }

    public void halted(String why) {
        halted = true;
        lastProblem = why;
    }

    public void stopping() {
        stopping = true;
    }

    public boolean ready() {
        return recovered && consistent && !halted && !stopping;
    }

    public boolean accepting() {
        return recovered && !halted && !stopping;
    }

    public boolean isHalted() {
        return halted;
    }

    public boolean isStopping() {
        return stopping;
    }

    /** Why the node is not ready, or null. */
    public String reason() {
        if (halted) {
            return "halted: " + lastProblem;
        }
        if (stopping) {
            return "shutting down";
        }
        if (!recovered) {
            return "recovering";
        }
        if (!consistent) {
            return "consistency check failed: " + lastProblem;
        }
        return null;
    }
}
