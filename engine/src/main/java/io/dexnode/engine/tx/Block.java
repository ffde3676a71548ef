package io.dexnode.engine.tx;

import java.util.List;

/** A block as written in block files and produced by the node: height, block time in ms, transactions in order. */
public record Block(long height, long time, List<Tx> txs) {
    public Block {
        txs = List.copyOf(txs);
    }
}
