package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.DBOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;

/** The Java-built batch bytes equal RocksJava's own serialization of the same operations. */
class BatchBuilderTest {
    static {
        RocksLibrary.load();
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void bytesMatchRocksJavaSerialization(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        BatchBuilder ours = new BatchBuilder(16);
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
        cfs.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (int i = 1; i <= 8; i++) {
            cfs.add(new ColumnFamilyDescriptor(("cf" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(o, tmp.toString(), cfs, handles);
             WriteBatch theirs = new WriteBatch()) {
            for (int i = 0; i < 300; i++) {
                ColumnFamilyHandle h = handles.get(1 + r.nextInt(8));
                int cf = h.getID();
                byte[] key = new byte[1 + r.nextInt(r.nextBoolean() ? 20 : 300)];
                r.nextBytes(key);
                switch (r.nextInt(3)) {
                    case 0 -> {
                        byte[] value = new byte[r.nextInt(r.nextBoolean() ? 50 : 20_000)];
                        r.nextBytes(value);
                        ours.put(cf, key, value);
                        theirs.put(h, key, value);
                    }
                    case 1 -> {
                        ours.delete(cf, key);
                        theirs.delete(h, key);
                    }
                    default -> {
                        byte[] end = java.util.Arrays.copyOf(key, key.length + 1 + r.nextInt(5));
                        ours.deleteRange(cf, key, end);
                        theirs.deleteRange(h, key, end);
                    }
                }
            }
            // The in-place per-version record equals the record built from its parts.
            byte[] rawKey = new byte[1 + r.nextInt(30)];
            r.nextBytes(rawKey);
            io.dexnode.jmt.KeyHash kh = io.dexnode.jmt.KeyHash.of(rawKey);
            byte[] value = r.nextBoolean() ? null : new byte[1 + r.nextInt(200)];
            if (value != null) {
                r.nextBytes(value);
            }
            ColumnFamilyHandle versions = handles.get(3);
            ours.putVersionRecord(versions.getID(), kh, 77, rawKey, value);
            theirs.put(versions, RecordCodec.versionKey(kh, 77), RecordCodec.versionValue(rawKey, value));
            // In-place node and stale-index records equal the records built from their encodings.
            ColumnFamilyHandle nodes = handles.get(1);
            List<io.dexnode.jmt.NodeKey> stale = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] hash = new byte[32];
                r.nextBytes(hash);
                io.dexnode.jmt.KeyHash nodeHash = io.dexnode.jmt.KeyHash.fromBytes(hash);
                io.dexnode.jmt.NodeKey nodeKey = new io.dexnode.jmt.NodeKey(r.nextLong(),
                        io.dexnode.jmt.NibblePath.prefixOf(nodeHash, r.nextInt(65)));
                byte[] valueHash = new byte[32];
                r.nextBytes(valueHash);
                io.dexnode.jmt.Node node = new io.dexnode.jmt.LeafNode(nodeHash, valueHash);
                ours.putNode(nodes.getID(), nodeKey, node);
                theirs.put(nodes, nodeKey.encode(), io.dexnode.jmt.NodeCodec.encode(node));
                stale.add(nodeKey);
            }
            ColumnFamilyHandle staleCf = handles.get(2);
            ours.putNodeKeys(staleCf.getID(), Versions.longBE(78), stale);
            theirs.put(staleCf, Versions.longBE(78), RecordCodec.encodeKeys(stale.stream().map(io.dexnode.jmt.NodeKey::encode)
                    .toArray(byte[][]::new)));
            // The in-place change log equals the record built from its parts, and decodes back to them.
            ColumnFamilyHandle changes = handles.get(5);
            byte[][] changedKeys = new byte[1 + r.nextInt(30)][];
            byte[][] changedValues = new byte[changedKeys.length][];
            for (int i = 0; i < changedKeys.length; i++) {
                changedKeys[i] = new byte[1 + r.nextInt(200)];
                r.nextBytes(changedKeys[i]);
                changedValues[i] = r.nextInt(4) == 0 ? null : new byte[1 + r.nextInt(300)];
                if (changedValues[i] != null) {
                    r.nextBytes(changedValues[i]);
                }
            }
            ours.putChanges(changes.getID(), Versions.longBE(79), changedKeys, changedValues);
            byte[] changeLog = RecordCodec.encodeChanges(changedKeys, changedValues);
            theirs.put(changes, Versions.longBE(79), changeLog);
            RecordCodec.Changes decoded = RecordCodec.decodeChanges(changeLog);
            assertThat(decoded.keys()).isDeepEqualTo(changedKeys);
            assertThat(decoded.values()).isDeepEqualTo(changedValues);
            assertThat(RecordCodec.decodeChangedKeys(changeLog)).containsExactly(changedKeys);
            assertThat(ours.count()).isEqualTo(theirs.count());
            assertThat(ours.toBytes()).isEqualTo(theirs.data());
            try (WriteBatch rebuilt = ours.toWriteBatch()) {
                assertThat(rebuilt.count()).isEqualTo(theirs.count());
                assertThat(rebuilt.data()).isEqualTo(theirs.data());
                db.write(new org.rocksdb.WriteOptions(), rebuilt);
            }
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void joinedPartsEqualOneBatchOfTheSameRecordsInOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BatchBuilder[] parts = {new BatchBuilder(16), new BatchBuilder(16), new BatchBuilder(16), new BatchBuilder(16)};
        // one builder given every record in the same order (the test above checks a builder against RocksJava)
        BatchBuilder all = new BatchBuilder(16);
        for (int p = 0; p < parts.length; p++) {
            // part 2 stays empty: joining an empty part adds nothing
            int records = p == 2 ? 0 : 1 + r.nextInt(200);
            for (int i = 0; i < records; i++) {
                byte[] key = new byte[1 + r.nextInt(40)];
                r.nextBytes(key);
                byte[] value = new byte[r.nextInt(r.nextBoolean() ? 30 : 3_000)];
                r.nextBytes(value);
                int cf = 1 + r.nextInt(3);
                parts[p].put(cf, key, value);
                all.put(cf, key, value);
            }
        }
        byte[] joined = BatchBuilder.join(parts);
        assertThat(joined).isEqualTo(all.toBytes());
        try (WriteBatch rebuilt = new WriteBatch(joined)) {
            assertThat(rebuilt.count()).isEqualTo(all.count());
        }
    }
}
