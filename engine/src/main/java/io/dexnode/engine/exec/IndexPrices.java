package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.checkNonce;
import static io.dexnode.engine.exec.TransactionRules.checkPrice;
import static io.dexnode.engine.exec.TransactionRules.withNonce;

import io.dexnode.engine.TxResult;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * The oracle's index prices: a {@code set_index_price} stores a market's new index price (a
 * positive multiple of its tick) and the height it was set at. Who may send one is the node's
 * admission rule (the market's oracle key); here, as in block files, it is taken as written. The
 * oracle is an account for nonces, opened on its first price, so a replayed or stale price is a
 * stale nonce like any other.
 */
final class IndexPrices {
    private final Ledger ledger;
    private final TransactionRules rules;

    IndexPrices(Ledger ledger, TransactionRules rules) {
        this.ledger = ledger;
        this.rules = rules;
    }

    TxResult setIndexPrice(TxContext ctx, Tx.SetIndexPrice s) {
        MarketBook market = rules.requireMarket(s.market());
        checkPrice(market.params, s.price());
        AccountRecord oracle = ledger.findAccount(s.account());
        if (oracle == null) {
            TransactionRules.checkAccountName(s.account());
            oracle = ledger.createAccount(s.account());
        }
        checkNonce(oracle, s.nonce());
        ledger.putAccount(ctx, withNonce(oracle, s.nonce()));
        ledger.put(new StateKey.MarketRisk(s.market()), ledger.risk(s.market()).withIndex(s.price(), ctx.block.height));
        return new TxResult(s, null, oracle.accountId(), 0, null, 0, List.of());
    }
}
