package io.dexnode.engine.exec;

import static io.dexnode.engine.exec.TransactionRules.checkNonce;
import static io.dexnode.engine.exec.TransactionRules.exact;
import static io.dexnode.engine.exec.TransactionRules.reject;
import static io.dexnode.engine.exec.TransactionRules.withNonce;

import io.dexnode.engine.TxResult;
import io.dexnode.engine.risk.LiquidationIndex;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.util.List;

/**
 * Collateral in and out of the exchange: a deposit (which opens the account on first use) and a
 * withdrawal, which must leave the account's equity covering its initial margin. The only
 * transactions that change deposits − withdrawals, which Σ collateral − Σ entry notional equals.
 */
final class Transfers {
    private final Ledger ledger;
    private final TransactionRules rules;
    private final MarginCheck margin;
    private final LiquidationIndex risk;

    Transfers(Ledger ledger, TransactionRules rules, MarginCheck margin, LiquidationIndex risk) {
        this.ledger = ledger;
        this.rules = rules;
        this.margin = margin;
        this.risk = risk;
    }

    TxResult deposit(TxContext ctx, Tx.Deposit d) {
        if (d.amount() <= 0) {
            throw reject(RejectCode.INVALID_AMOUNT, "deposit amount must be positive");
        }
        AccountRecord acct = ledger.findAccount(d.account());
        if (acct == null) {
            TransactionRules.checkAccountName(d.account());
            acct = ledger.createAccount(d.account());
        }
        checkNonce(acct, d.nonce());
        AccountRecord before = acct;
        long collateral = exact(() -> Math.addExact(before.collateral(), d.amount()), "deposit overflows the balance");
        AccountRecord updated = withNonce(acct, d.nonce()).withCollateral(collateral);
        MarginCheck.checkHeadroom(margin.marginTerms(updated, null), "deposit");
        ledger.putAccount(ctx, updated);
        return new TxResult(d, null, acct.accountId(), 0, null, 0, List.of());
    }

    TxResult withdraw(TxContext ctx, Tx.Withdraw w) {
        if (w.amount() <= 0) {
            throw reject(RejectCode.INVALID_AMOUNT, "withdraw amount must be positive");
        }
        AccountRecord acct = rules.requireAccount(w.account());
        checkNonce(acct, w.nonce());
        if (acct.collateral() < w.amount()) {
            throw reject(RejectCode.INSUFFICIENT_BALANCE,
                    "collateral " + acct.collateral() + " is less than the withdrawal " + w.amount());
        }
        AccountRecord after = acct.withCollateral(acct.collateral() - w.amount());
        margin.checkMargin(after, null, "withdrawal");
        ledger.putAccount(ctx, withNonce(after, w.nonce()));
        risk.touch(acct.accountId()); // less collateral: its liquidation triggers are stale
        return new TxResult(w, null, acct.accountId(), 0, null, 0, List.of());
    }
}
