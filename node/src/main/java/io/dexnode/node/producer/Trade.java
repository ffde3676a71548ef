package io.dexnode.node.producer;

import io.dexnode.engine.Fill;

/** A fill as market data: the engine's fill with the height and time of its block. */
public record Trade(long height, long time, Fill fill) {
}
