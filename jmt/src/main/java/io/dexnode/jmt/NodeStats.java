package io.dexnode.jmt;

/**
 * What a version did to the node store, for metrics and storage planning (the crate's
 * {@code NodeStats}).
 *
 * @param newNodes nodes written (leaves included)
 * @param newLeaves leaves written
 * @param staleNodes nodes that became stale (leaves included)
 * @param staleLeaves leaves that became stale
 */
public record NodeStats(long newNodes, long newLeaves, long staleNodes, long staleLeaves) {}
