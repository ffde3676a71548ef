package io.dexnode.engine;

/**
 * What a block's end-of-block risk pass cost: the accounts it examined (one examined twice counts
 * twice), those it liquidated, its time in nanoseconds, and the CPU time its thread spent on it
 * (0 where the JVM cannot tell; on a shared machine the wall time also counts waiting for a core).
 * For metrics and benchmarks only; no decision depends on it.
 */
public record RiskPassStats(int examined, int liquidated, long nanos, long cpuNanos) {
    public static final RiskPassStats NONE = new RiskPassStats(0, 0, 0, 0);
}
