package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.NodeKey;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@code dexnode state migrate}: converts a state directory of the first design (on-disk format
 * 1) to this one (format {@value StateDirectory#FORMAT_VERSION}), in place.
 *
 * <p>The first design wrote every version's tree and value history in its commit, and a change
 * log of keys only. Its trees, stale-node index, value history and latest values are already laid
 * out as format 2 keeps them; what changes: each change log gains its values (read from the value
 * history at its version, where format 1 kept them), every retained version is recorded as a
 * persisted tree, and the newest of them as the tree a restart starts from. The format record is
 * written last: until then the directory still reads as format 1 and is refused by the node.
 *
 * <p>Invariant: rerunnable. Progress is recorded with each batch of converted change logs, so a
 * migration cut short resumes where it stopped and never converts a change log twice.
 */
public final class StateMigration {
    private static final byte[] META_MIGRATED_THROUGH = {'m', 'i', 'g', 'r', 'a', 't', 'e', 'd'};
    private static final int CHUNK = 256;

    private StateMigration() {}

    /**
     * What was converted.
     *
     * @param fromFormat the format found
     * @param latestVersion the latest committed version
     * @param changeLogs change logs converted
     * @param trees retained versions recorded as persisted trees
     */
    public record Report(int fromFormat, long latestVersion, long changeLogs, long trees) {}

    /** Migrates the state in {@code dir} to the current format (a no-op report when it is already current). */
    public static Report migrate(Path dir, PrintStream log) {
        try (StateDirectory disk = StateDirectory.openLayout(dir, 64L << 20)) {
            disk.startCompactions();
            int format = disk.format();
            if (format == StateDirectory.FORMAT_VERSION) {
                log.printf("%s is already in format %d; nothing to do%n", dir, format);
                return new Report(format, disk.metaLong(RecordCodec.META_LATEST, StateStore.NO_VERSION, "latest version"), 0, 0);
            }
            if (format != StateDirectory.FIRST_DESIGN_FORMAT) {
                throw new StateException("the state at " + dir + " has format " + (format < 0 ? "(none)" : format)
                        + "; this dexnode migrates format " + StateDirectory.FIRST_DESIGN_FORMAT + " to "
                        + StateDirectory.FORMAT_VERSION + " only");
            }
            return fromFirstDesign(disk, log);
        }
    }

    private static Report fromFirstDesign(StateDirectory disk, PrintStream log) {
        long latest = disk.metaLong(RecordCodec.META_LATEST, StateStore.NO_VERSION, "latest version");
        long done = disk.metaLong(META_MIGRATED_THROUGH, StateStore.NO_VERSION, "migration progress");
        log.printf("migrating %s from format 1 to format %d (latest version %d)%n", disk.dir, StateDirectory.FORMAT_VERSION, latest);
        long converted = 0;
        try (WriteOptions w = new WriteOptions().setSync(true)) {
            // Change logs: keys only → keys and the values they were set to at that version.
            WriteBatch wb = new WriteBatch();
            long last = done;
            try (RocksIterator it = disk.iterator(disk.changes)) {
                for (it.seek(Versions.longBE(done + 1)); it.isValid(); it.next()) {
                    long version = Versions.getLongBE(it.key(), 0);
                    List<byte[]> keys = RecordCodec.decodeKeys(it.value());
                    byte[][] k = keys.toArray(byte[][]::new);
                    byte[][] v = new byte[k.length][];
                    for (int i = 0; i < k.length; i++) {
                        v[i] = valueWrittenAt(disk, k[i], version);
                    }
                    wb.put(disk.changes, it.key(), RecordCodec.encodeChanges(k, v));
                    last = version;
                    converted++;
                    if (wb.count() >= CHUNK) {
                        wb.put(disk.meta, META_MIGRATED_THROUGH, Versions.longBE(last));
                        disk.write(w, wb, "migrating change logs");
                        wb.close();
                        wb = new WriteBatch();
                    }
                }
                StateDirectory.check(it);
            }
            // Trees: every retained version's tree is on disk (format 1 wrote one per version).
            long trees = 0;
            if (latest != StateStore.NO_VERSION) {
                for (long v : disk.metaVersions(RecordCodec.ROOT_PREFIX, 0, latest)) {
                    if (disk.get(disk.nodes, NodeKey.root(v).encode()) != null) {
                        wb.put(disk.meta, RecordCodec.treeKey(v), new byte[0]);
                        trees++;
                    }
                }
                wb.put(disk.meta, RecordCodec.META_TREE, Versions.longBE(latest));
            }
            wb.delete(disk.meta, META_MIGRATED_THROUGH);
            wb.put(disk.meta, RecordCodec.META_FORMAT, new byte[] {StateDirectory.FORMAT_VERSION});
            disk.write(w, wb, "finishing the migration");
            wb.close();
            log.printf("converted %,d change logs; %,d retained versions recorded as persisted trees; format %d%n",
                    converted, trees, StateDirectory.FORMAT_VERSION);
            return new Report(StateDirectory.FIRST_DESIGN_FORMAT, latest, converted, trees);
        } catch (org.rocksdb.RocksDBException e) {
            throw new StateException("migrating the state at " + disk.dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The value {@code key} was given at {@code version} (null: deleted), from the value history. */
    private static byte[] valueWrittenAt(StateDirectory disk, byte[] key, long version) {
        byte[] seek = RecordCodec.versionKey(KeyHash.of(key), version);
        try (RocksIterator it = disk.iterator(disk.versions)) {
            it.seek(seek);
            if (!it.isValid() || !java.util.Arrays.equals(it.key(), seek)) {
                StateDirectory.check(it);
                throw new StateException("the state at " + disk.dir + " is inconsistent: the change log of version "
                        + version + " names a key whose value at that version is not in the value history");
            }
            return RecordCodec.valueOf(it.value());
        }
    }
}
