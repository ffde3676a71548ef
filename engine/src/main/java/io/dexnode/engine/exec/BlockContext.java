package io.dexnode.engine.exec;

import io.dexnode.engine.BalanceChange;
import io.dexnode.engine.Fill;
import io.dexnode.engine.OrderUpdate;
import io.dexnode.engine.RiskPassStats;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.OrderRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a block did, in order: fills, order updates and the accounts whose balance changed
 * (sorted), from its accepted transactions and then its end-of-block risk pass, with the pass's
 * events; and, from its end-of-block archival ({@link OrderArchival}), the orders it placed and
 * finished and those it moved to the archive, each ascending by id.
 */
public final class BlockContext {
    final long height;
    /** The height committed before this block (heights may skip: a block file may jump). */
    final long previousHeight;
    private final List<Fill> fills = new ArrayList<>();
    private final List<OrderUpdate> orderUpdates = new ArrayList<>();
    private final TreeSet<Long> touched = new TreeSet<>();
    List<OrderRecord> placed = List.of();
    List<OrderRecord> finished = List.of();
    List<OrderRecord> archived = List.of();
    ArchiveHeadRecord archiveHead;
    private List<RiskEvent> riskEvents = List.of();
    private RiskPassStats riskStats = RiskPassStats.NONE;

    public BlockContext(long height) {
        this(height - 1, height);
    }

    public BlockContext(long previousHeight, long height) {
        if (previousHeight >= height) {
            throw new IllegalArgumentException("block " + height + " does not follow " + previousHeight);
        }
        this.previousHeight = previousHeight;
        this.height = height;
    }

    void accept(TxContext ctx) {
        fills.addAll(ctx.fills);
        orderUpdates.addAll(ctx.updates);
        touched.addAll(ctx.touched);
    }

    public long height() {
        return height;
    }

    /** The end-of-block risk pass is done: what it did, and what it cost. */
    void riskDone(List<RiskEvent> events, int examined, int liquidated, long nanos, long cpuNanos) {
        this.riskEvents = List.copyOf(events);
        this.riskStats = new RiskPassStats(examined, liquidated, nanos, cpuNanos);
    }

    public List<RiskEvent> riskEvents() {
        return riskEvents;
    }

    public RiskPassStats riskStats() {
        return riskStats;
    }

    public List<Fill> fills() {
        return fills;
    }

    public List<OrderUpdate> orderUpdates() {
        return orderUpdates;
    }

    /** The orders placed in this block, as they are at its end, ascending by id. */
    public List<OrderRecord> placed() {
        return placed;
    }

    /** The orders this block filled or cancelled (they stay in the tree for now), ascending by id. */
    public List<OrderRecord> finished() {
        return finished;
    }

    /** The final records this block moved from the tree to the archive, ascending by id. */
    public List<OrderRecord> archived() {
        return archived;
    }

    /** The archive head this block wrote, or null if it archived nothing. */
    public ArchiveHeadRecord archiveHead() {
        return archiveHead;
    }

    /** The new balance of every account the block changed, ascending by id. */
    public List<BalanceChange> balances(Ledger ledger) {
        List<BalanceChange> out = new ArrayList<>(touched.size());
        for (long id : touched) {
            AccountRecord a = ledger.account(id);
            out.add(new BalanceChange(id, a.name(), a.collateral()));
        }
        return out;
    }
}
