package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.TableProperties;

/**
 * The on-disk format: a directory of the first design is refused by name and converted by
 * {@link StateMigration} into one that reads exactly as before (every retained version's root,
 * values and proofs); the extras are compressed with ZSTD.
 */
@Timeout(300)
class OnDiskFormatTest {
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false).withBlockCacheBytes(8 << 20);
    private static final long VERSIONS = 40;
    private static final long SEED = 3;

    @TempDir
    Path tmp;

    @Test
    void aFirstDesignDirectoryIsRefusedNamingItsFormatAndTheMigration() throws Exception {
        Path dir = tmp.resolve("old");
        writeFirstDesignState(dir, PruningConfig.keepAll());
        assertThatThrownBy(() -> StateManager.open(dir, CFG)).isInstanceOf(StateException.class)
                .hasMessageContaining("format 1").hasMessageContaining("dexnode state migrate --data " + dir);
    }

    @Test
    void migratedFirstDesignStateReadsAsBeforeAtEveryRetainedVersion() throws Exception {
        for (PruningConfig pruning : List.of(PruningConfig.keepAll(), PruningConfig.keepLast(7))) {
            Path dir = tmp.resolve("old-" + pruning.mode() + pruning.keepLast());
            ReferenceHistory ref = writeFirstDesignState(dir, pruning);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            StateMigration.Report report = StateMigration.migrate(dir, new PrintStream(log, true, StandardCharsets.UTF_8));
            assertThat(report.fromFormat()).isEqualTo(1);
            assertThat(report.latestVersion()).isEqualTo(VERSIONS - 1);
            assertThat(report.changeLogs()).isPositive();
            StateConfig cfg = CFG.withPruning(pruning);
            try (StateManager sm = StateManager.open(dir, cfg)) {
                assertThat(sm.persistStats().recovery().versions()).as("nothing to re-apply: every tree was on disk").isZero();
                sm.awaitPruning();
                StateStoreRandomizedTest.checkAgainstModel(sm, ref, pruning, new java.util.SplittableRandom(1));
                StateStoreRandomizedTest.checkPrunedExactly(sm, ref, pruning);
                // and it commits on
                WriteSet next = Workload.writes(SEED, VERSIONS, 10);
                ref.apply(VERSIONS, next);
                assertThat(sm.commit(VERSIONS, next, null)).isEqualTo(ref.roots.get(VERSIONS));
            }
            assertThat(StateMigration.migrate(dir, new PrintStream(log, true, StandardCharsets.UTF_8)).changeLogs())
                    .as("a second run has nothing to do").isZero();
        }
    }

    @Test
    void aMigrationCutShortResumesWithoutConvertingAChangeLogTwice() throws Exception {
        Path dir = tmp.resolve("old");
        ReferenceHistory ref = writeFirstDesignState(dir, PruningConfig.keepAll());
        // As if a first run had converted the change logs through version 9 and stopped.
        byte[] through = Versions.longBE(9);
        withRaw(dir, (db, h) -> {
            try (RocksIterator it = db.newIterator(h.get("changes"))) {
                for (it.seekToFirst(); it.isValid() && Versions.getLongBE(it.key(), 0) <= 9; it.next()) {
                    long v = Versions.getLongBE(it.key(), 0);
                    byte[][] keys = RecordCodec.decodeKeys(it.value()).toArray(byte[][]::new);
                    byte[][] values = new byte[keys.length][];
                    for (int i = 0; i < keys.length; i++) {
                        values[i] = ref.states.get(v).get(keys[i]);
                    }
                    db.put(h.get("changes"), it.key(), RecordCodec.encodeChanges(keys, values));
                }
            }
            db.put(h.get("meta"), "migrated".getBytes(StandardCharsets.US_ASCII), through);
        });
        StateMigration.migrate(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (StateManager sm = StateManager.open(dir, CFG)) {
            for (long a = -1; a < VERSIONS - 1; a += 3) {
                assertThat(sm.changedKeys(a, a + 1)).hasSameSizeAs(ref.changed(a, a + 1));
            }
            StateStoreRandomizedTest.checkAgainstModel(sm, ref, PruningConfig.keepAll(), new java.util.SplittableRandom(2));
        }
    }

    @Test
    void extrasAreStoredZstdCompressed() throws Exception {
        Path dir = tmp.resolve("s");
        try (StateManager sm = StateManager.open(dir, CFG)) {
            for (long v = 0; v < 20; v++) {
                WriteSet extras = new WriteSet();
                for (int i = 0; i < 200; i++) {
                    extras.put(("block-" + v + "-" + i).getBytes(StandardCharsets.US_ASCII),
                            ("a block body that compresses well, " + i).repeat(8).getBytes(StandardCharsets.US_ASCII));
                }
                sm.commit(v, Workload.writes(1, v, 5), extras);
            }
        }
        // Opened with the store's own options, so that the flush writes the family as the store would.
        try (StateDirectory disk = StateDirectory.openLayout(dir, 8 << 20);
             org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            disk.db.flush(flush, disk.blocks);
            Map<String, TableProperties> tables = disk.db.getPropertiesOfAllTables(disk.blocks);
            assertThat(tables).isNotEmpty();
            for (TableProperties t : tables.values()) {
                // RocksDB 11 names the built-in ZSTD (type 0x07) "BuiltinV2;07;"; older ones "ZSTD".
                assertThat(t.getCompressionName()).isIn("ZSTD", "BuiltinV2;07;");
                assertThat(t.getDataSize()).as("compressed size").isLessThan((t.getRawKeySize() + t.getRawValueSize()) / 3);
            }
        }
        try (StateManager sm = StateManager.open(dir, CFG)) {
            assertThat(sm.getExtra("block-7-3".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(("a block body that compresses well, 3").repeat(8).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * A state exactly as the first design left it: a tree and value history written at every
     * version (as format 2 does when persisting every version), change logs of keys only, format
     * 1, no persisted-tree records.
     */
    private ReferenceHistory writeFirstDesignState(Path dir, PruningConfig pruning) throws Exception {
        ReferenceHistory ref = new ReferenceHistory();
        try (StateManager sm = StateManager.open(dir, CFG.withPruning(pruning).withTreePersistence(TreePersistence.everyVersion()))) {
            for (long v = 0; v < VERSIONS; v++) {
                WriteSet ws = Workload.writes(SEED, v, 10);
                ref.apply(v, ws);
                sm.commit(v, ws, null);
            }
            sm.awaitPruning();
        }
        withRaw(dir, (db, h) -> {
            try (RocksIterator it = db.newIterator(h.get("changes"))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    List<byte[]> keys = RecordCodec.decodeChangedKeys(it.value());
                    db.put(h.get("changes"), it.key(), RecordCodec.encodeKeys(keys.toArray(byte[][]::new)));
                }
            }
            db.deleteRange(h.get("meta"), RecordCodec.treeKey(0), RecordCodec.treeKey(Long.MAX_VALUE));
            db.delete(h.get("meta"), RecordCodec.META_TREE);
            db.put(h.get("meta"), RecordCodec.META_FORMAT, new byte[] {1});
        });
        return ref;
    }

    interface RawAction {
        void run(RocksDB db, Map<String, ColumnFamilyHandle> handles) throws Exception;
    }

    static void withRaw(Path dir, RawAction action) throws Exception {
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
        for (String name : StateDirectory.FAMILIES) {
            cfs.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.open(o, dir.toString(), cfs, handles)) {
            Map<String, ColumnFamilyHandle> byName = new java.util.HashMap<>();
            for (int i = 0; i < handles.size(); i++) {
                byName.put(StateDirectory.FAMILIES.get(i), handles.get(i));
            }
            try {
                action.run(db, byName);
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }
}
