package io.dexnode.engine.history;

import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of history for API threads, newest first, each read by one bounded range scan from its
 * cursor (plus one multi-get of the page's live orders and a point read per archived one): the
 * cost of a page does not grow with the history behind it. Reads only what is durable, never a
 * block in flight.
 */
public final class HistoryQueries {
    private final StateStore store;

    public HistoryQueries(StateStore store) {
        this.store = store;
    }

    /** A page and the cursor of the next one (null when this is the last). */
    public record Page<T>(List<T> items, String next) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** An order, from the tree or from the archive ({@code archivedHeight} &gt; 0: moved there by that block). */
    public record OrderView(OrderRecord order, long archivedHeight) {
        public boolean archived() {
            return archivedHeight > 0;
        }
    }

    /** The order, live or archived, or null if no such order exists (or retention pruned it). */
    public OrderView order(long orderId) {
        byte[] live = store.getDurable(new StateKey.Order(orderId).encode());
        if (live != null) {
            return new OrderView(OrderRecord.decode(live), 0);
        }
        return archived(orderId);
    }

    /** The order's record in the archive, or null. */
    public OrderView archived(long orderId) {
        byte[] raw = store.getExtra(ExtraKeys.archivedOrder(orderId));
        if (raw == null) {
            return null;
        }
        ArchivedOrder a = ArchivedOrder.decode(raw);
        return new OrderView(a.order(), a.archivedHeight());
    }

    /** A market's trades with an id below {@code beforeTradeId} (null: the newest), newest first. */
    public Page<TradeRecord> marketTrades(int marketId, Long beforeTradeId, int limit) {
        byte[] prefix = ExtraKeys.marketTradePrefix(marketId);
        byte[] from = beforeTradeId == null ? prefix : ExtraKeys.marketTrade(marketId, beforeTradeId - 1);
        if (beforeTradeId != null && beforeTradeId <= 1) {
            return new Page<>(List.of(), null);
        }
        List<TradeRecord> out = new ArrayList<>(limit);
        boolean[] more = {false};
        store.scanExtras(prefix, from, (k, v) -> {
            if (out.size() == limit) {
                more[0] = true;
                return false;
            }
            out.add(TradeRecord.decode(v));
            return true;
        });
        return new Page<>(out, more[0] ? Long.toString(out.get(out.size() - 1).fill().tradeId()) : null);
    }

    /**
     * An account's fills older than the cursor {@code before} ({@code "<height>.<index>"}, as
     * {@link TradeRecord#fillCursor()} gives; null: the newest), newest first.
     *
     * @throws IllegalArgumentException if the cursor is not one
     */
    public Page<TradeRecord> accountFills(long accountId, String before, int limit) {
        byte[] prefix = ExtraKeys.accountFillPrefix(accountId);
        byte[] from = prefix;
        byte[] skip = null;
        if (before != null) {
            long[] at = fillCursor(before);
            from = ExtraKeys.accountFill(accountId, at[0], (int) at[1]);
            skip = from;
        }
        byte[] cursorKey = skip;
        List<TradeRecord> out = new ArrayList<>(limit);
        boolean[] more = {false};
        store.scanExtras(prefix, from, (k, v) -> {
            if (cursorKey != null && java.util.Arrays.equals(k, cursorKey)) {
                return true;
            }
            if (out.size() == limit) {
                more[0] = true;
                return false;
            }
            out.add(TradeRecord.decode(v));
            return true;
        });
        return new Page<>(out, more[0] ? out.get(out.size() - 1).fillCursor() : null);
    }

    /** Height and index of a fill cursor. */
    public static long[] fillCursor(String cursor) {
        int dot = cursor.indexOf('.');
        try {
            if (dot > 0 && dot < 19 && cursor.length() - dot - 1 <= 10 && cursor.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                long height = Long.parseLong(cursor.substring(0, dot));
                long index = Long.parseLong(cursor.substring(dot + 1));
                if (index <= Integer.MAX_VALUE) {
                    return new long[] {height, index};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new IllegalArgumentException("a fill cursor is \"<height>.<index>\" as a page's \"next\" gives it, not \"" + cursor + "\"");
    }

    /**
     * An account's orders with an id below {@code beforeOrderId} (null: the newest), newest first,
     * all of them or only those with {@code status} (null: any), live and archived together.
     * Orders retention removed from the archive are left out.
     */
    public Page<OrderView> accountOrders(long accountId, OrderStatus status, Long beforeOrderId, int limit) {
        if (beforeOrderId != null && beforeOrderId <= 1) {
            return new Page<>(List.of(), null);
        }
        byte[] prefix = status == null ? ExtraKeys.accountOrderPrefix(accountId)
                : ExtraKeys.accountOrderByStatusPrefix(accountId, status.ordinal());
        byte[] from = beforeOrderId == null ? prefix : status == null
                ? ExtraKeys.accountOrder(accountId, beforeOrderId - 1)
                : ExtraKeys.accountOrderByStatus(accountId, status.ordinal(), beforeOrderId - 1);
        List<Long> ids = new ArrayList<>(limit);
        boolean[] more = {false};
        store.scanExtras(prefix, from, (k, v) -> {
            if (ids.size() == limit) {
                more[0] = true;
                return false;
            }
            ids.add(ExtraKeys.orderIdOf(k));
            return true;
        });
        List<byte[]> keys = new ArrayList<>(ids.size());
        for (long id : ids) {
            keys.add(new StateKey.Order(id).encode());
        }
        List<byte[]> live = store.multiGet(keys);
        List<OrderView> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            OrderView v = live.get(i) != null ? new OrderView(OrderRecord.decode(live.get(i)), 0) : archived(ids.get(i));
            if (v != null) {
                out.add(v);
            }
        }
        return new Page<>(out, more[0] ? Long.toString(ids.get(ids.size() - 1)) : null);
    }

    /**
     * What block {@code height} moved to the archive, or null if it moved nothing (or retention
     * removed it). {@link ArchiveBlock#verify()} checks the records against the block's head.
     */
    public ArchiveBlock archiveBlock(long height) {
        byte[] raw = store.getExtra(ExtraKeys.archiveBlock(height));
        if (raw == null) {
            return null;
        }
        ArchiveBlock.Summary s = ArchiveBlock.Summary.decode(raw);
        List<OrderRecord> orders = new ArrayList<>(s.orderIds().length);
        for (long id : s.orderIds()) {
            OrderView v = archived(id);
            if (v == null) {
                if (store.getExtra(ExtraKeys.archiveBlock(height)) == null) {
                    return null; // retention removed the block (summary and orders in one write) while it was read
                }
                throw new IllegalStateException("archive block " + height + " names order " + id + ", which the archive lacks");
            }
            orders.add(v.order());
        }
        return new ArchiveBlock(height, s.head(), orders);
    }
}
