package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.reject;

import io.dexnode.engine.TxResult;
import io.dexnode.engine.schema.ChainParamsRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * Sets the chain's parameters: only in block 1 and only once, so that every replica and every
 * replay runs the whole chain under the same ones.
 */
final class ChainParameters {
    private final Ledger ledger;

    ChainParameters(Ledger ledger) {
        this.ledger = ledger;
    }

    TxResult set(TxContext ctx, Tx.ChainParams c) {
        if (ctx.block.height != 1) {
            throw reject(RejectCode.NOT_ALLOWED, "chain parameters are set in block 1 only (this is block " + ctx.block.height + ")");
        }
        if (ledger.get(new StateKey.ChainParams()) != null) {
            throw reject(RejectCode.NOT_ALLOWED, "the chain parameters are already set");
        }
        if (c.archiveAfterBlocks() < 0) {
            throw reject(RejectCode.MALFORMED, "archiveAfterBlocks must be 0 or more, got " + c.archiveAfterBlocks());
        }
        ledger.put(new StateKey.ChainParams(), new ChainParamsRecord(c.archiveAfterBlocks()));
        return new TxResult(c, null, 0, 0, null, 0, List.of());
    }
}
