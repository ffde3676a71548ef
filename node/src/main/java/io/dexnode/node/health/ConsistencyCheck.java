package io.dexnode.node.health;

import io.dexnode.engine.Engine;

/**
 * The periodic check behind readiness: per market the in-memory book equals the committed
 * ActiveOrder index (order count and a digest of id, remaining, priority), and the books hold as
 * many orders as state counts as resting. Runs on the producer thread (it reads the books).
 */
public final class ConsistencyCheck {
    private ConsistencyCheck() {
    }

    /** The first disagreement found, or null when every market agrees. */
    public static String run(Engine engine) {
        return engine.consistencyProblem();
    }
}
