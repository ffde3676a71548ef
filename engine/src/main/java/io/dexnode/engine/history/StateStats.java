package io.dexnode.engine.history;

import io.dexnode.engine.schema.StateKey;
import io.dexnode.state.StateStore;
import java.util.Locale;
import java.util.Map;

/**
 * What a data directory holds, for operators: per key type the keys in the tree and their bytes
 * (key and value), and beside it the archive (finished orders and what blocks archived) and the
 * history (trades and fills, the accounts' order indexes), counted and measured in bytes as
 * stored before compression. One pass over each; run it on a stopped node's directory.
 *
 * @param live        keys in the tree by type name ({@link StateKey#typeName}), in tag order
 * @param liveBytes   their bytes by type
 * @param archivedOrders finished orders in the archive
 * @param archiveBytes   bytes of the archive's records (orders and per-block summaries)
 * @param trades         trades stored (one per fill, under its market)
 * @param historyBytes   bytes of the trade, fill and account-order records
 */
public record StateStats(long height, Map<String, Long> live, Map<String, Long> liveBytes, long archivedOrders,
                         long archiveBytes, long trades, long historyBytes) {

    public static StateStats of(StateStore store) {
        long height = store.latestVersion();
        long[] keys = new long[256];
        long[] bytes = new long[256];
        store.scanPrefixInPlace(new byte[0], (k, v) -> {
            int tag = k.get(0) & 0xff;
            keys[tag]++;
            bytes[tag] += k.limit() + v.limit();
        });
        Map<String, Long> live = new java.util.LinkedHashMap<>();
        Map<String, Long> liveBytes = new java.util.LinkedHashMap<>();
        for (int tag = 0; tag < 256; tag++) {
            String name = StateKey.typeName((byte) tag);
            if (name == null && keys[tag] > 0) {
                name = String.format(Locale.ROOT, "tag%02x", tag);
            }
            if (name != null) {
                live.put(name, keys[tag]);
                liveBytes.put(name, bytes[tag]);
            }
        }
        long[] archived = count(store, ExtraKeys.ARCHIVED_ORDER);
        long[] summaries = count(store, ExtraKeys.ARCHIVE_BLOCK);
        long[] trades = count(store, ExtraKeys.MARKET_TRADE);
        long history = trades[1];
        for (byte prefix : new byte[] {ExtraKeys.ACCOUNT_FILL, ExtraKeys.ACCOUNT_ORDER, ExtraKeys.ACCOUNT_ORDER_BY_STATUS}) {
            history += count(store, prefix)[1];
        }
        return new StateStats(height, live, liveBytes, archived[0], archived[1] + summaries[1], trades[0], history);
    }

    /** Count and bytes (key and value) of the extra records under one prefix. */
    private static long[] count(StateStore store, byte prefix) {
        long[] n = {0, 0};
        store.scanExtras(new byte[] {prefix}, (k, v) -> {
            n[0]++;
            n[1] += k.length + v.length;
        });
        return n;
    }

    /**
     * {@code {"height":h,"live":{"order":N,"activeOrder":M,…},"archive":{"orders":A,"fills":F,"bytes":B}}}: the
     * live key count per type, and the archive's orders, trades and bytes (its own records and the
     * history's, as stored before compression). Bytes per live type are in {@link #toText}.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"height\":").append(height).append(",\"live\":");
        object(sb, live);
        sb.append(",\"archive\":{\"orders\":").append(archivedOrders).append(",\"fills\":").append(trades)
                .append(",\"bytes\":").append(archiveBytes + historyBytes).append("}}");
        return sb.toString();
    }

    private static void object(StringBuilder sb, Map<String, Long> m) {
        sb.append('{');
        String comma = "";
        for (Map.Entry<String, Long> e : m.entrySet()) {
            sb.append(comma).append('"').append(e.getKey()).append("\":").append(e.getValue());
            comma = ",";
        }
        sb.append('}');
    }

    /** The same as a few lines of text. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "height %d%n", height));
        sb.append(String.format(Locale.ROOT, "%-14s %12s %14s%n", "live key type", "keys", "bytes"));
        long keys = 0;
        long bytes = 0;
        for (String name : live.keySet()) {
            sb.append(String.format(Locale.ROOT, "%-14s %,12d %,14d%n", name, live.get(name), liveBytes.get(name)));
            keys += live.get(name);
            bytes += liveBytes.get(name);
        }
        sb.append(String.format(Locale.ROOT, "%-14s %,12d %,14d%n", "total", keys, bytes));
        sb.append(String.format(Locale.ROOT, "archive: %,d orders, %,d bytes; history: %,d trades, %,d bytes (before compression)%n",
                archivedOrders, archiveBytes, trades, historyBytes));
        return sb.toString();
    }
}
