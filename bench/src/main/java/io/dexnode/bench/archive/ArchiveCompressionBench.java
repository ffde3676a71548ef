package io.dexnode.bench.archive;

import io.dexnode.bench.ScratchDirectory;
import io.dexnode.bench.engine.OrderFlow;
import io.dexnode.engine.Engine;
import io.dexnode.engine.history.ExtraKeys;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.RocksLibrary;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Bytes on disk per archived order and per trade under each compression: the engine trades the
 * benchmark's order flow on a chain that archives after a few blocks, then its archive records
 * (finished orders) and history records (trades under their market, fills under their accounts,
 * the accounts' order indexes) are written, as the node writes them, to RocksDB column families
 * that differ only in compression, each compacted to its last level and measured. This says what
 * the store's records beside the state should be compressed with (the state module owns that
 * setting), not what it is today.
 */
public final class ArchiveCompressionBench {
    /** What to run: order transactions through the engine, blocks of {@code blockTxs}, archiving after {@code archiveAfter} blocks. */
    public record Settings(int orders, int blockTxs, int archiveAfter, long seed) {
    }

    /** One compression's figures: SST bytes of the archive's records and of the history's, per archived order and per trade. */
    public record Variant(String name, long archiveBytes, long historyBytes, double bytesPerArchivedOrder, double bytesPerTrade) {
    }

    public record Report(long archivedOrders, long trades, long rawArchiveBytes, long rawHistoryBytes, List<Variant> variants) {
        public String toJson() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "{\"archivedOrders\":%d,\"trades\":%d,\"rawBytesPerArchivedOrder\":%.1f,\"rawBytesPerTrade\":%.1f,\"variants\":[",
                    archivedOrders, trades, (double) rawArchiveBytes / archivedOrders, (double) rawHistoryBytes / trades));
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get(i);
                sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"compression\":\"%s\",\"archiveBytes\":%d,\"historyBytes\":%d,\"bytesPerArchivedOrder\":%.1f,\"bytesPerTrade\":%.1f}",
                        v.name(), v.archiveBytes(), v.historyBytes(), v.bytesPerArchivedOrder(), v.bytesPerTrade()));
            }
            return sb.append("]}").toString();
        }
    }

    private static final byte[][] ARCHIVE = {{ExtraKeys.ARCHIVED_ORDER}, {ExtraKeys.ARCHIVE_BLOCK}};
    private static final byte[][] HISTORY = {{ExtraKeys.MARKET_TRADE}, {ExtraKeys.ACCOUNT_FILL}, {ExtraKeys.ACCOUNT_ORDER},
        {ExtraKeys.ACCOUNT_ORDER_BY_STATUS}};

    static {
        RocksLibrary.load();
    }

    private ArchiveCompressionBench() {
    }

    public static Report run(Settings s, java.nio.file.Path dir, PrintStream out) {
        InMemoryStateStore store = new InMemoryStateStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        OrderFlow flow = new OrderFlow(s.seed(), 10, 1_000);
        List<Tx> genesis = new ArrayList<>();
        genesis.add(new Tx.ChainParams(null, 0, s.archiveAfter()));
        genesis.addAll(flow.genesis());
        long height = 1;
        engine.executeBlock(height, 0, genesis);
        for (int done = 0; done < s.orders(); ) {
            List<Tx> txs = new ArrayList<>(s.blockTxs());
            for (int i = 0; i < s.blockTxs() && done < s.orders(); i++, done++) {
                txs.add(flow.next());
            }
            height++;
            engine.executeBlock(height, height * 5, txs);
        }
        List<byte[][]> archive = records(store, ARCHIVE);
        List<byte[][]> history = records(store, HISTORY);
        long archived = count(store, ExtraKeys.ARCHIVED_ORDER);
        long trades = count(store, ExtraKeys.MARKET_TRADE);
        out.printf(Locale.ROOT, "archive: %,d order txs in %,d blocks archiving after %d: %,d orders archived, %,d trades;"
                        + " %,d archive and %,d history records%n",
                s.orders(), height, s.archiveAfter(), archived, trades, archive.size(), history.size());
        List<Variant> variants = new ArrayList<>();
        try (ScratchDirectory scratch = ScratchDirectory.create(dir, "dexnode-bench-archive")) {
            variants.add(measure(scratch.path(), "none", CompressionType.NO_COMPRESSION, 0, archive, history, archived, trades));
            variants.add(measure(scratch.path(), "lz4", CompressionType.LZ4_COMPRESSION, 0, archive, history, archived, trades));
            variants.add(measure(scratch.path(), "zstd", CompressionType.ZSTD_COMPRESSION, 0, archive, history, archived, trades));
            variants.add(measure(scratch.path(), "zstd+dictionary", CompressionType.ZSTD_COMPRESSION, 16 * 1024, archive, history,
                    archived, trades));
        }
        for (Variant v : variants) {
            out.printf(Locale.ROOT, "archive: %-16s %6.1f bytes per archived order, %6.1f bytes per trade (with its fills and indexes)%n",
                    v.name(), v.bytesPerArchivedOrder(), v.bytesPerTrade());
        }
        return new Report(archived, trades, bytes(archive), bytes(history), variants);
    }

    private static Variant measure(java.nio.file.Path root, String name, CompressionType type, int dictBytes,
                                   List<byte[][]> archive, List<byte[][]> history, long archived, long trades) {
        java.nio.file.Path path = root.resolve(name.replace('+', '-'));
        List<ColumnFamilyOptions> options = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String cf : List.of("default", "archive", "history")) {
            ColumnFamilyOptions o = new ColumnFamilyOptions()
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(16 * 1024))
                    .setCompressionType(type).setBottommostCompressionType(type);
            if (dictBytes > 0) {
                CompressionOptions c = new CompressionOptions().setMaxDictBytes(dictBytes).setZStdMaxTrainBytes(dictBytes * 100)
                        .setEnabled(true);
                o.setCompressionOptions(c).setBottommostCompressionOptions(c);
            }
            options.add(o);
            descriptors.add(new ColumnFamilyDescriptor(cf.getBytes(StandardCharsets.US_ASCII), o));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions db = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB rocks = RocksDB.open(db, path.toString(), descriptors, handles);
             WriteOptions write = new WriteOptions().setDisableWAL(true);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            load(rocks, write, handles.get(1), archive);
            load(rocks, write, handles.get(2), history);
            long[] sizes = new long[2];
            for (int i = 1; i <= 2; i++) {
                rocks.flush(flush, handles.get(i));
                rocks.compactRange(handles.get(i));
                sizes[i - 1] = Long.parseLong(rocks.getProperty(handles.get(i), "rocksdb.total-sst-files-size").trim());
            }
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            return new Variant(name, sizes[0], sizes[1], (double) sizes[0] / archived, (double) sizes[1] / trades);
        } catch (RocksDBException e) {
            throw new IllegalStateException("measuring " + name + " failed: " + e.getMessage(), e);
        } finally {
            options.forEach(ColumnFamilyOptions::close);
        }
    }

    private static void load(RocksDB rocks, WriteOptions write, ColumnFamilyHandle cf, List<byte[][]> records) throws RocksDBException {
        for (int from = 0; from < records.size(); from += 10_000) {
            try (WriteBatch wb = new WriteBatch()) {
                for (byte[][] kv : records.subList(from, Math.min(records.size(), from + 10_000))) {
                    wb.put(cf, kv[0], kv[1]);
                }
                rocks.write(write, wb);
            }
        }
    }

    private static List<byte[][]> records(InMemoryStateStore store, byte[][] prefixes) {
        List<byte[][]> out = new ArrayList<>();
        for (byte[] p : prefixes) {
            store.scanExtras(p, (k, v) -> out.add(new byte[][] {k, v}));
        }
        return out;
    }

    private static long count(InMemoryStateStore store, byte prefix) {
        long[] n = {0};
        store.scanExtras(new byte[] {prefix}, (k, v) -> n[0]++);
        return n[0];
    }

    private static long bytes(List<byte[][]> records) {
        long n = 0;
        for (byte[][] kv : records) {
            n += kv[0].length + kv[1].length;
        }
        return n;
    }
}
