package io.dexnode.engine;

/** Aggregated depth of one market at a committed height: {@code [price, size]} levels, best first. */
public record Depth(int market, long height, long[][] bids, long[][] asks) {
}
