package io.dexnode.engine.risk;

import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.PositionRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-block risk pass (docs/RISK.md), run once per block after its last transaction:
 * <ol>
 *   <li>every market's mark is read ({@link MarkPrice}), and funding is paid where it is due;</li>
 *   <li>the accounts the {@link LiquidationIndex} names (changed this block, or passed by a mark)
 *       are examined smallest id first; each one below maintenance margin at the marks is
 *       liquidated ({@link Liquidation}), and the accounts that liquidation changed join the
 *       accounts still to examine;</li>
 *   <li>liquidations trade against the books, which can move the marks: if they did, the pass
 *       examines again at the new marks, until a round leaves every mark where it was;</li>
 *   <li>the marks are stored: after the block, every account's equity at them is at least its
 *       maintenance margin.</li>
 * </ol>
 * A liquidated account has no position and no order left, so none is liquidated twice and the
 * pass ends. Everything it decides is a function of state and the books, in a fixed order.
 */
public final class RiskPass {
    private final LiquidationIndex index;
    private int examined;
    private int liquidated;

    public RiskPass(LiquidationIndex index) {
        this.index = index;
    }

    /** Runs the pass of block {@code height}; returns its events in order. */
    public List<RiskEvent> run(long height, RiskLedger ledger) {
        examined = 0;
        liquidated = 0;
        List<RiskEvent> events = new ArrayList<>();
        int[] ids = ledger.marketIds();
        Marks marks = Marks.read(ledger, ids);
        FundingPayments.pay(height, ledger, marks, index, events);
        Liquidation liquidation = new Liquidation(ledger, index, events);
        ExaminationQueue queue = new ExaminationQueue(index.toExamine(ids, marks.marks));
        while (true) {
            while (!queue.isEmpty()) {
                long accountId = queue.poll();
                examined++;
                AccountRecord account = ledger.account(accountId);
                if (account == null) {
                    continue;
                }
                Standing s = standing(ledger, account, marks);
                if (s.health.below()) {
                    liquidated++;
                    liquidation.run(accountId, s.health, marks);
                    queue.addAll(index.drainPending());
                } else {
                    index.reindex(accountId, s.marketIds, s.sizes, s.marks, s.health.safeMoves());
                }
            }
            Marks now = Marks.read(ledger, ids);
            if (now.sameAs(marks)) {
                break;
            }
            marks = now;
            queue = new ExaminationQueue(index.toExamine(ids, marks.marks));
        }
        for (int i = 0; i < ids.length; i++) {
            MarketRiskRecord r = ledger.risk(ids[i]);
            if (r.markPrice() != marks.marks[i]) {
                ledger.putRisk(ids[i], r.withMark(marks.marks[i]));
            }
        }
        return events;
    }

    /** Accounts the last pass examined (an account examined twice counts twice). */
    public int examined() {
        return examined;
    }

    /** Accounts the last pass liquidated. */
    public int liquidated() {
        return liquidated;
    }

    /** An account's positions over its markets and its health at the marks. */
    record Standing(int[] marketIds, long[] sizes, long[] marks, AccountHealth health) {
    }

    static Standing standing(RiskLedger ledger, AccountRecord account, Marks marks) {
        int[] ids = account.markets();
        long[] sizes = new long[ids.length];
        long[] entries = new long[ids.length];
        long[] at = new long[ids.length];
        int[] bps = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            PositionRecord p = ledger.position(account.accountId(), ids[i]);
            sizes[i] = p.size();
            entries[i] = p.entryNotional();
            int m = marks.indexOf(ids[i]);
            at[i] = marks.marks[m];
            bps[i] = marks.maintenanceBps[m];
        }
        return new Standing(ids, sizes, at, new AccountHealth(account.collateral(), sizes, entries, at, bps));
    }
}
