package io.dexnode.bench.recovery;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.AccountIdValue;
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
import java.util.SplittableRandom;

/**
 * Writes a recovery benchmark's state straight through the state store (the engine would take
 * far longer to trade its way there): markets, funded accounts, {@code active} resting orders that
 * never cross (bids below 100,000, asks above) with their index entries and open exposure, and
 * {@code history} filled or cancelled orders. Commits in large batches, one version each.
 */
final class RecoveryStateBuilder {
    static final long MID = 100_000;
    private static final int BATCH = 50_000;

    private RecoveryStateBuilder() {
    }

    /** Returns the ids of the active orders written, with their owners, as {@code long[2][active]}. */
    static long[][] build(StateStore store, int active, int history, int markets, int accounts, long seed) {
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
        long[][] owned = new long[2][active];
        long id = 1;
        int total = active + history;
        int activeLeft = active;
        int written = 0;
        for (int i = 0; i < total; i++) {
            boolean isActive = rnd.nextInt(total - i) < activeLeft;
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
            ws.put(new StateKey.Order(id).encode(), o.encode());
            if (isActive) {
                ws.put(new StateKey.ActiveOrder(market, id).encode(), new ActiveOrderEntry(seq, remaining).encode());
                int at = (market - 1) * 4 + (side == Side.BUY ? 0 : 2);
                exposure[account][at] += remaining;
                exposure[account][at + 1] += remaining * price;
                owned[0][active - activeLeft] = id;
                owned[1][active - activeLeft] = account;
                activeLeft--;
            }
            id++;
            if (++written == BATCH) {
                store.commit(version++, ws, null);
                ws = new WriteSet();
                written = 0;
            }
        }
        for (int a = 0; a < accounts; a++) {
            for (int m = 1; m <= markets; m++) {
                long[] e = exposure[a];
                int at = (m - 1) * 4;
                ws.put(new StateKey.Position(a + 1, m).encode(),
                        PositionRecord.EMPTY.withOpen(e[at], e[at + 1], e[at + 2], e[at + 3]).encode());
            }
        }
        ws.put(new StateKey.Counters().encode(), new CountersRecord(id, id, accounts + 1, active).encode());
        store.commit(version, ws, null);
        return owned;
    }
}
