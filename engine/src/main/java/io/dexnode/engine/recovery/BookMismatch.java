package io.dexnode.engine.recovery;

/** A market whose in-memory book disagrees with its committed ActiveOrder index, and how. */
public record BookMismatch(int marketId, String description) {
}
