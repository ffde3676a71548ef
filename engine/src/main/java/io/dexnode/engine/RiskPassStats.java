package io.dexnode.engine;

/**
 * What a block's end-of-block risk pass cost: the accounts it examined (one examined twice counts
 * twice), those it liquidated, and its time in nanoseconds (for metrics and benchmarks only; no
 * decision depends on it).
 */
public record RiskPassStats(int examined, int liquidated, long nanos) {
    public static final RiskPassStats NONE = new RiskPassStats(0, 0, 0);
}
