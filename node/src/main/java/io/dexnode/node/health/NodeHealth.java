package io.dexnode.node.health;

import java.util.function.Supplier;

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
    private volatile String replicaStopped;
    private volatile Divergence divergence;
    private volatile Supplier<String> replication = () -> null;

    /**
     * A replica's state root that differs from the leader's at {@code height}: this replica's own,
     * and the one the leader's block entry carried (hex).
     */
    public record Divergence(long height, String root, String leaderRoot) {
    }

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

    /**
     * This replica stopped applying blocks ({@code why}; with the divergence when its root differs
     * from the leader's): it is not ready and serves no state until it is wiped and catches up.
     */
    public void replicaStopped(String why, Divergence diverged) {
        divergence = diverged;
        replicaStopped = why;
    }

    /** Whether this replica stopped applying blocks (its state may not be served). */
    public boolean isReplicaStopped() {
        return replicaStopped != null;
    }

    /** The root mismatch that stopped this replica, or null. */
    public Divergence divergence() {
        return divergence;
    }

    /**
     * A replica's check that it still applies what its group commits: it answers why not, or null.
     * Asked on each readiness probe.
     */
    public void watchReplication(Supplier<String> check) {
        replication = check;
    }

    public void stopping() {
        stopping = true;
    }

    public boolean ready() {
        return reason() == null;
    }

    public boolean accepting() {
        return recovered && !halted && !stopping && replicaStopped == null;
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
        if (replicaStopped != null) {
            return "replica stopped: " + replicaStopped;
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
        return replication.get();
    }
}
