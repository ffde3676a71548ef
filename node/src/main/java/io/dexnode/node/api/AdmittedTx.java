package io.dexnode.node.api;

import io.dexnode.engine.tx.Tx;

/** A transaction admission let in: what the engine executes, and the signed envelope it came in (what a log records). */
public record AdmittedTx(Tx tx, SignedTx signed) {
}
