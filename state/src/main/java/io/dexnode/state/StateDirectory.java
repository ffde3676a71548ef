package io.dexnode.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state's RocksDB database: the directory checks, the column families and their options, the
 * on-disk format record, and plain reads and writes. It knows the layout, not what a commit is.
 *
 * <p>Column families, one job each: {@code nodes} (persisted tree nodes, node key → node),
 * {@code stale} (per persisted tree, the persisted nodes it no longer holds), {@code latest} (raw
 * key → latest value, for reads and prefix scans), {@code versions} (the value history by key
 * hash and version, written by the tree persister), {@code changes} (per version, its change log:
 * the keys and values it wrote), {@code blocks} (the caller's unauthenticated extras: block
 * headers and bodies, archives; ZSTD-compressed) and {@code meta} (format, latest version, roots,
 * persisted trees). Layouts are in {@link RecordCodec}.
 *
 * <p>Invariant: a directory is opened only if it is empty (then created) or holds exactly this
 * layout at a format this code reads; anything else is refused with a message naming what was
 * found, before anything is written.
 */
final class StateDirectory implements AutoCloseable {
    /** The on-disk format this code writes and reads. Format 1 (the first design) is migrated by {@link StateMigration}. */
    static final int FORMAT_VERSION = 2;
    /** The first design's format: every version's tree in its commit; change logs without values. */
    static final int FIRST_DESIGN_FORMAT = 1;

    /** The write-ahead log a crash may leave to re-read: 16 MiB, about 0.1 s (64 MiB took 0.35–0.5 s). */
    static final long MAX_TOTAL_WAL_BYTES = 16L << 20;

    static final List<String> FAMILIES =
            List.of("default", "nodes", "stale", "latest", "versions", "changes", "blocks", "meta");
    /** The families that compact universally (see {@link #familyOptions}); the rest are levelled. */
    private static final Set<String> UNIVERSAL = Set.of("versions");
    /**
     * Level-0 files of tree nodes past which RocksDB slows, and stops, every write of the store
     * (its defaults: 20 and 36). Each tree persist flushes the nodes to a level-0 file of their
     * own, several a second under sustained load, and with one compaction running at a time (two
     * background jobs: one flush, one compaction) a long compaction of the block records holds
     * them back for seconds: at 20, commits were slowed 7–14 times in a sustained run of batches
     * of 20 (docs/BENCHMARKS.md). The tree's level 0 is cheap to hold: the latest tree is in memory
     * and a read of a persisted node asks each file's bloom filter, pinned in the cache, first.
     */
    static final int NODES_L0_SLOWDOWN = 48;
    static final int NODES_L0_STOP = 64;

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);

    static {
        RocksLibrary.load();
    }

    final Path dir;
    final RocksDB db;
    final ColumnFamilyHandle nodes;
    final ColumnFamilyHandle stale;
    final ColumnFamilyHandle latest;
    final ColumnFamilyHandle versions;
    final ColumnFamilyHandle changes;
    final ColumnFamilyHandle blocks;
    final ColumnFamilyHandle meta;
    final int nodesId;
    final int latestId;
    final int versionsId;
    final int changesId;
    final int blocksId;
    final int metaId;
    final int staleId;
    /** Whether the directory was empty and this open created the database. */
    final boolean created;
    /** Whether the database is open read-only (nothing may be written). */
    final boolean readOnly;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles;

    private StateDirectory(Path dir, RocksDB db, DBOptions dbOptions, List<ColumnFamilyOptions> cfOptions,
                           LRUCache blockCache, List<ColumnFamilyHandle> handles, boolean created, boolean readOnly) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.blockCache = blockCache;
        this.handles = handles;
        this.created = created;
        this.readOnly = readOnly;
        this.nodes = handles.get(1);
        this.stale = handles.get(2);
        this.latest = handles.get(3);
        this.versions = handles.get(4);
        this.changes = handles.get(5);
        this.blocks = handles.get(6);
        this.meta = handles.get(7);
        this.nodesId = nodes.getID();
        this.staleId = stale.getID();
        this.latestId = latest.getID();
        this.versionsId = versions.getID();
        this.changesId = changes.getID();
        this.blocksId = blocks.getID();
        this.metaId = meta.getID();
    }

    /**
     * Opens the database in {@code dir}, creating it when the directory is absent or empty, and
     * checks its format: a directory written by the first design is refused with the command that
     * migrates it, one written by a newer dexnode with the advice to upgrade.
     */
    static StateDirectory open(Path dir, long blockCacheBytes) {
        StateDirectory d = openLayout(dir, blockCacheBytes);
        try {
            d.checkFormat();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /**
     * Lets RocksDB compact, which a writable open leaves off: the store calls this once it
     * serves, so a restart's tree rebuild does not share the cores with compactions.
     */
    void startCompactions() {
        if (readOnly) {
            return;
        }
        try {
            db.enableAutoCompaction(handles);
        } catch (RocksDBException e) {
            throw new StateException("cannot start compactions in the state at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens the layout without checking the format record (for {@link StateMigration}). */
    static StateDirectory openLayout(Path dir, long blockCacheBytes) {
        return openLayout(dir, blockCacheBytes, false);
    }

    /**
     * Opens an existing state read-only (no lock, nothing written: a running node may hold it
     * open), checking its format as {@link #open} does. For {@link StateVerifier}.
     */
    static StateDirectory openReadOnly(Path dir, long blockCacheBytes) {
        if (!Files.isDirectory(dir)) {
            throw new StateException(dir + " is not a directory");
        }
        StateDirectory d = openLayout(dir, blockCacheBytes, true);
        try {
            d.checkFormat();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static StateDirectory openLayout(Path dir, long blockCacheBytes, boolean readOnly) {
        boolean fresh = checkDirectory(dir);
        if (fresh && readOnly) {
            throw new StateException(dir + " holds no state (it is empty)");
        }
        LRUCache cache = new LRUCache(Math.max(blockCacheBytes, 1L << 20));
        List<ColumnFamilyOptions> cfOpts = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : FAMILIES) {
            // A writable open starts without compactions: the flushes a crash left due would otherwise
            // compact on both cores while the tree is rebuilt. startCompactions() turns them on.
            ColumnFamilyOptions o = familyOptions(name, cache).setDisableAutoCompactions(!readOnly);
            cfOpts.add(o);
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), o));
        }
        DBOptions dbo = new DBOptions()
                .setCreateIfMissing(fresh)
                .setCreateMissingColumnFamilies(fresh)
                .setMaxBackgroundJobs(2)
                // Sync the WAL in the background as it grows, so a commit's fsync has less left to flush.
                .setWalBytesPerSync(1L << 20)
                .setBytesPerSync(1L << 20)
                // Families written rarely (meta, stale) would otherwise keep every old log alive, and a
                // restart after a crash re-reads them all: past this much log, their memtables are flushed.
                .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
                // What the write-ahead log held stays in memtables after a restart instead of being
                // flushed before the open returns; the flushes come later, in the background.
                .setAvoidFlushDuringRecovery(true)
                .setParanoidChecks(true);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = readOnly ? RocksDB.openReadOnly(dbo, dir.toString(), descriptors, handles)
                    : RocksDB.open(dbo, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeAll(null, handles, dbo, cfOpts, cache);
            throw new StateException("cannot open the state at " + dir + " (corrupt or not a dexnode state?): "
                    + e.getMessage(), e);
        }
        return new StateDirectory(dir, db, dbo, cfOpts, cache, handles, fresh, readOnly);
    }

    /** True when a new store is to be created; throws when the directory cannot be ours. */
    private static boolean checkDirectory(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                return true;
            }
            if (!Files.isDirectory(dir)) {
                throw new StateException(dir + " is not a directory; cannot open a state there");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isEmpty()) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new StateException("cannot read the state directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.exists(dir.resolve("CURRENT"))) {
            throw new StateException(dir + " is not a dexnode state directory (no RocksDB CURRENT file) and is not empty");
        }
        List<String> names = familiesIn(dir);
        if (!names.containsAll(FAMILIES)) {
            throw new StateException(dir + " is a RocksDB database but not a dexnode state (column families "
                    + names + ", expected " + FAMILIES + ")");
        }
        return false;
    }

    /** The column families of the RocksDB database in {@code dir}. */
    static List<String> familiesIn(Path dir) {
        List<byte[]> present;
        try (Options o = new Options()) {
            present = RocksDB.listColumnFamilies(o, dir.toString());
        } catch (RocksDBException e) {
            throw new StateException("cannot read the state at " + dir + " (corrupt?): " + e.getMessage(), e);
        }
        if (present.isEmpty()) {
            // Every RocksDB database has at least "default": an empty list means RocksDB could not read
            // the list (RocksJava reports a damaged CURRENT or a missing MANIFEST this way, not by throwing).
            throw new StateException("cannot read the state at " + dir
                    + " (corrupt: its CURRENT or MANIFEST file is damaged or missing)");
        }
        List<String> names = new ArrayList<>();
        for (byte[] b : present) {
            names.add(new String(b, StandardCharsets.US_ASCII));
        }
        return names;
    }

    /**
     * Point-read families get small blocks (a random read decodes one block); tree nodes are
     * mostly SHA-256 hashes, which do not compress, so they skip compression (and hold more
     * level-0 files before writes slow: {@link #NODES_L0_SLOWDOWN}); the extras (block
     * bodies, archived orders, history indexes) are read rarely and compress well, so they get ZSTD
     * at every level (LZ4 above the last level measured the same compaction CPU: the family's key
     * spaces interleave, so no file reaches the next level by a trivial move and every record is
     * recompressed on its way down anyway; docs/BENCHMARKS.md, 2026-12-07). Other families
     * flush uncompressed (flushes were mostly LZ4 time) and compress at the bottommost level. All
     * share one block cache and use bloom filters.
     *
     * <p>The value history ({@code versions}) is keyed by key hash, so each persist's records land
     * all over its key range, and levelled compaction rewrote the whole first level for every
     * persist (half of RocksDB's compaction CPU in the engine bench); it compacts universally
     * (tiered) instead, which rewrites each record a logarithmic number of times. Its reads are
     * seeks at old versions, rare next to the writes.
     */
    private static ColumnFamilyOptions familyOptions(String name, LRUCache cache) {
        boolean pointReads = name.equals("nodes") || name.equals("versions") || name.equals("latest");
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false))
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setBlockSize(pointReads ? 4 * 1024 : 16 * 1024);
        ColumnFamilyOptions o = new ColumnFamilyOptions().setTableFormatConfig(table)
                .setWriteBufferSize(StateConfig.MEMTABLE_BYTES)
                .setMaxWriteBufferNumber(4)
                .setCompressionType(CompressionType.NO_COMPRESSION);
        if (name.equals("blocks")) {
            o.setCompressionType(CompressionType.ZSTD_COMPRESSION).setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
        } else if (name.equals("nodes")) {
            o.setLevel0SlowdownWritesTrigger(NODES_L0_SLOWDOWN).setLevel0StopWritesTrigger(NODES_L0_STOP);
        } else {
            o.setBottommostCompressionType(CompressionType.LZ4_COMPRESSION);
        }
        if (UNIVERSAL.contains(name)) {
            o.setCompactionStyle(CompactionStyle.UNIVERSAL);
        }
        return o;
    }

    /** Checks (or, created, writes) the format record. */
    private void checkFormat() {
        byte[] format = get(meta, RecordCodec.META_FORMAT);
        if (format == null) {
            if (!created) {
                throw new StateException(dir + " is not a dexnode state (no format version in its metadata)");
            }
            put(meta, RecordCodec.META_FORMAT, new byte[] {FORMAT_VERSION});
            return;
        }
        if (format.length != 1) {
            throw new StateException("the state at " + dir + " has a corrupt format version record");
        }
        int f = format[0] & 0xFF;
        if (f == FIRST_DESIGN_FORMAT) {
            throw new StateException("the state at " + dir + " is in on-disk format 1 (the first state design: a tree per"
                    + " version, change logs without values); this dexnode reads format " + FORMAT_VERSION
                    + ". Convert it with: dexnode state migrate --data " + dir);
        }
        if (f > FORMAT_VERSION) {
            throw new StateException("the state at " + dir + " has format version " + f
                    + ", newer than this dexnode reads (up to " + FORMAT_VERSION + "); upgrade dexnode");
        }
        if (f != FORMAT_VERSION) {
            throw new StateException("the state at " + dir + " has unknown format version " + f);
        }
    }

    /** The format record's value, or -1 when absent. */
    int format() {
        byte[] format = get(meta, RecordCodec.META_FORMAT);
        return format == null || format.length != 1 ? -1 : format[0] & 0xFF;
    }

    byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StateException("state read failed: " + e.getMessage(), e);
        }
    }

    List<byte[]> multiGet(ColumnFamilyHandle cf, List<byte[]> keys) {
        return multiGet(cf, keys, true);
    }

    /**
     * As {@link #multiGet(ColumnFamilyHandle, List)}; {@code cache} false reads past the block
     * cache (for blocks read once: a restart's scattered reads would only churn it).
     */
    List<byte[]> multiGet(ColumnFamilyHandle cf, List<byte[]> keys, boolean cache) {
        if (keys.isEmpty()) {
            return new ArrayList<>();
        }
        try {
            if (!cache) {
                try (ReadOptions once = new ReadOptions().setFillCache(false)) {
                    return db.multiGetAsList(once, Collections.nCopies(keys.size(), cf), keys);
                }
            }
            return db.multiGetAsList(Collections.nCopies(keys.size(), cf), keys);
        } catch (RocksDBException e) {
            throw new StateException("state read failed: " + e.getMessage(), e);
        }
    }

    void put(ColumnFamilyHandle cf, byte[] key, byte[] value) {
        try (WriteOptions w = new WriteOptions().setSync(true)) {
            db.put(cf, w, key, value);
        } catch (RocksDBException e) {
            throw new StateException("state write failed: " + e.getMessage(), e);
        }
    }

    /** Writes {@code batch}; RocksDB's failure as a {@link StateException} saying {@code what} failed. */
    void write(WriteOptions options, WriteBatch batch, String what) {
        try {
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw new StateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Writes the memtables of {@code families} to table files and waits until they are on disk. */
    void flush(String what, ColumnFamilyHandle... families) {
        try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            db.flush(wait, List.of(families));
        } catch (RocksDBException e) {
            throw new StateException(what + " failed: " + e.getMessage(), e);
        }
    }

    RocksIterator iterator(ColumnFamilyHandle cf) {
        return db.newIterator(cf);
    }

    RocksIterator iterator(ColumnFamilyHandle cf, ReadOptions options) {
        return db.newIterator(cf, options);
    }

    static void check(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StateException("state read failed: " + e.getMessage(), e);
        }
    }

    /** A meta record holding one BE u64, or {@code absent} when there is none. */
    long metaLong(byte[] key, long absent, String what) {
        byte[] b = get(meta, key);
        if (b == null) {
            return absent;
        }
        if (b.length != 8) {
            throw new StateException("the state at " + dir + " is corrupt: bad " + what + " record");
        }
        return Versions.getLongBE(b, 0);
    }

    /** The versions of the meta keys with {@code prefix} ({@link RecordCodec#rootKey}, {@link RecordCodec#treeKey}) in [from, to]. */
    List<Long> metaVersions(byte prefix, long from, long to) {
        List<Long> out = new ArrayList<>();
        byte[] start = new byte[9];
        start[0] = prefix;
        Versions.putLongBE(start, 1, Math.max(from, 0));
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(start); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!RecordCodec.isVersionKey(k, prefix)) {
                    break;
                }
                long v = Versions.getLongBE(k, 1);
                if (v > to) {
                    break;
                }
                out.add(v);
            }
            check(it);
        }
        return out;
    }

    /** The column family called {@code family}. */
    ColumnFamilyHandle family(String family) {
        int i = FAMILIES.indexOf(family);
        if (i < 0) {
            throw new IllegalArgumentException("no column family " + family + "; the store has " + FAMILIES);
        }
        return handles.get(i);
    }

    List<ColumnFamilyHandle> handles() {
        return handles;
    }

    /**
     * Whether RocksDB has no flush or compaction running or pending. Used to settle benchmark legs.
     * A family that compacts universally is not asked whether a compaction is pending: RocksDB
     * then reports one pending at exactly its trigger's number of sorted runs while its picker,
     * which wants more, finds nothing to do, so the flag can stay set for good. Its compactions
     * count once running.
     */
    boolean idle() {
        try {
            long busy = db.getLongProperty("rocksdb.num-running-compactions") + db.getLongProperty("rocksdb.num-running-flushes");
            for (int i = 0; i < handles.size(); i++) {
                ColumnFamilyHandle cf = handles.get(i);
                busy += db.getLongProperty(cf, "rocksdb.mem-table-flush-pending");
                if (!UNIVERSAL.contains(FAMILIES.get(i))) {
                    busy += db.getLongProperty(cf, "rocksdb.compaction-pending");
                }
            }
            return busy == 0;
        } catch (RocksDBException e) {
            throw new StateException("cannot read RocksDB's background state: " + e.getMessage(), e);
        }
    }

    /** A RocksDB hard-link checkpoint of the database to {@code target}, which must not exist. */
    void checkpoint(Path target) {
        if (Files.exists(target)) {
            throw new StateException("checkpoint target " + target + " already exists");
        }
        // RocksDB creates only the last directory; open() creates the whole path, and so does this.
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new StateException("checkpoint to " + target + " failed: cannot create " + parent + ": " + e.getMessage(), e);
            }
        }
        try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StateException("checkpoint to " + target + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Flushes every memtable to SST files, so that the next open has no write-ahead log to
     * re-read and everything written is in checksummed files ({@code dexnode state verify}).
     */
    void flushAll() {
        try {
            flush("flushing the state store at close", handles.toArray(new ColumnFamilyHandle[0]));
        } catch (StateException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closeAll(db, handles, dbOptions, cfOptions, blockCache);
    }

    private static void closeAll(RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbo,
                                 List<ColumnFamilyOptions> cfOpts, LRUCache cache) {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("closing the state store: {}", e.getMessage());
            }
        }
        dbo.close();
        for (ColumnFamilyOptions o : cfOpts) {
            o.close();
        }
        cache.close();
    }
}
