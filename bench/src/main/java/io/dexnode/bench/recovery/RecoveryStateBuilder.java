package io.dexnode.bench.recovery;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.history.HistoryWriter;
import io.dexnode.engine.schema.AccountIdValue;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketStatsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.PositionRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a recovery benchmark's state straight through the state store (the engine would take
 * far longer to trade its way there): markets, funded accounts, {@code active} resting orders that
 * never cross (bids below 100,000, asks above) with their index entries and open exposure,
 * {@code history} filled or cancelled orders still in the tree (finished within the chain's
 * {@code archiveAfterBlocks}, or on a chain that never archives), and {@code archived} finished
 * orders moved to the archive as blocks do it (records beside the state, the archive head in it).
 * Commits in large batches, one version each.
 */
final class RecoveryStateBuilder {
    static final long MID = 100_000;
    private static final int BATCH = 50_000;

    private RecoveryStateBuilder() {
    }

    /** Returns the ids of the active orders written, with their owners, as {@code long[2][active]}. */
    static long[][] build(StateStore store, int active, long history, long archived, int markets, int accounts, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long version = store.latestVersion() + 1;
        WriteSet ws = new WriteSet();
        for (int m = 1; m <= markets; m++) {
            ws.put(new StateKey.Market(m).encode(), new MarketParams(m, "M" + m, 1, 1, 1, 2, 5, 1000, 500).encode());
            ws.put(new StateKey.MarketStats(m).encode(), MarketStatsRecord.EMPTY.encode());
        }
        long[][] exposure = new long[accounts][];
        int[] allMarkets = new int[markets];
        for (int m = 1; m <= markets; m++) {
            allMarkets[m - 1] = m;
        }
        for (int a = 0; a < accounts; a++) {
            String name = "trader" + a;
            ws.put(new StateKey.AccountName(name).encode(), new AccountIdValue(a + 1).encode());
            ws.put(new StateKey.Account(a + 1).encode(),
                    new AccountRecord(a + 1, name, 1_000_000_000_000_000L, 0, allMarkets).encode());
            exposure[a] = new long[markets * 4];
        }
        store.commit(version++, ws, null);
        ws = new WriteSet();
        WriteSet extras = new WriteSet();
        List<OrderRecord> toArchive = new ArrayList<>();
        ArchiveHeadRecord head = ArchiveHeadRecord.NONE;
        long[][] owned = new long[2][active];
        long id = 1;
        long total = active + history + archived;
        long activeLeft = active;
        long historyLeft = history;
        int written = 0;
        for (long i = 0; i < total; i++) {
            boolean isActive = rnd.nextLong(total - i) < activeLeft;
            boolean inTree = isActive || rnd.nextLong(total - i - activeLeft) < historyLeft;
            int market = 1 + rnd.nextInt(markets);
            int account = rnd.nextInt(accounts);
            Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
            long price = side == Side.BUY ? MID - 1 - rnd.nextInt(2_000) : MID + 1 + rnd.nextInt(2_000);
            long size = 1 + rnd.nextInt(20);
            long seq = id;
            OrderStatus status = isActive ? OrderStatus.ACTIVE : rnd.nextBoolean() ? OrderStatus.FILLED : OrderStatus.CANCELLED;
            long remaining = status == OrderStatus.FILLED ? 0 : size;
            OrderRecord o = new OrderRecord(id, market, account + 1, side, price, size, remaining, size - remaining,
                    TimeInForce.GTC, SelfTradePrevention.CANCEL_RESTING, status, seq, 1, 1, null);
            if (inTree) {
                ws.put(new StateKey.Order(id).encode(), o.encode());
            } else {
                toArchive.add(o);
            }
            if (!isActive && inTree) {
                historyLeft--;
            }
            if (isActive) {
                ws.put(new StateKey.ActiveOrder(market, id).encode(), new ActiveOrderEntry(seq, remaining).encode());
                int at = (market - 1) * 4 + (side == Side.BUY ? 0 : 2);
                exposure[account][at] += remaining;
                exposure[account][at + 1] += remaining * price;
                owned[0][(int) (active - activeLeft)] = id;
                owned[1][(int) (active - activeLeft)] = account;
                activeLeft--;
            }
            id++;
            if (++written == BATCH) {
                head = archive(ws, extras, version, toArchive, head);
                store.commit(version++, ws, extras);
                ws = new WriteSet();
                extras = new WriteSet();
                toArchive.clear();
                written = 0;
            }
        }
        head = archive(ws, extras, version, toArchive, head);
        for (int a = 0; a < accounts; a++) {
            for (int m = 1; m <= markets; m++) {
                long[] e = exposure[a];
                int at = (m - 1) * 4;
                ws.put(new StateKey.Position(a + 1, m).encode(),
                        PositionRecord.EMPTY.withOpen(e[at], e[at + 1], e[at + 2], e[at + 3]).encode());
            }
        }
        ws.put(new StateKey.Counters().encode(), new CountersRecord(id, id, accounts + 1, active).encode());
        store.commit(version, ws, extras);
        return owned;
    }

    /** Moves {@code orders} to the archive in block {@code version}, as a block archiving them would. */
    private static ArchiveHeadRecord archive(WriteSet ws, WriteSet extras, long version, List<OrderRecord> orders,
                                             ArchiveHeadRecord head) {
        if (orders.isEmpty()) {
            return head;
        }
        List<byte[]> records = new ArrayList<>(orders.size());
        for (OrderRecord o : orders) {
            records.add(o.encode());
        }
        ArchiveHeadRecord next = head.next(version, records);
        ws.put(new StateKey.ArchiveHead().encode(), next.encode());
        HistoryWriter.archive(extras, version, orders, next);
        return next;
    }
}
