package io.dexnode.node.producer;

import io.dexnode.engine.TxResult;

/** A submitted transaction's answer: the committed block it went into and its result there. */
public record TxOutcome(long height, long time, TxResult result) {
}
