package io.dexnode.node.health;

/**
 * Whether the node should receive traffic, and the committed height it reports with that answer.
 * Live while the process runs; ready once recovery has finished, while the last consistency check
 * passed, and until the node halts or shuts down. Written by the producer and the lifecycle, read
 * by HTTP threads. Reading it never touches the state store, so a node whose store failed still
 * answers its probes (503, halted).
 */
public final class NodeHealth {
    private volatile boolean recovered;
    private volatile boolean consistent = true;
    private volatile boolean halted;
    private volatile boolean stopping;
    private volatile String lastProblem;
    private volatile long height = -1;

    public void recovered() {
        recovered = true;
    }

    /** Block {@code height} is durable (the store's height at open, after recovery, then each block's). */
    public void committed(long height) {
        this.height = height;
    }

    /** The newest durable height this node has seen, -1 before the first. */
    public long height() {
        return height;
    }

    public void consistencyChecked(String problem) {
        consistent = problem == null;
        if (problem != null) {
            lastProblem = problem;
        }
    }

    public void halted(String why) {
        lastProblem = why;
        halted = true;
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
