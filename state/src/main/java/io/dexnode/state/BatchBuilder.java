package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeCodec;
import io.dexnode.jmt.NodeKey;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.WriteBatch;

/**
 * Builds a RocksDB write batch as bytes in Java and hands it over in one call, instead of one JNI
 * call per record: a commit writes tens of thousands of records, and the per-call cost of
 * {@link WriteBatch#put} was a third of the write itself.
 *
 * <p>The bytes are RocksDB's documented write-batch representation ({@code db/write_batch.cc}):
 * a fixed64 sequence (0) and a fixed32 record count, little-endian, then records, each a type
 * byte, for a non-default column family its varint32 id, then the key (and for a put the value)
 * as varint32 length + bytes. {@code BatchBuilderTest} checks the bytes against RocksJava's own
 * {@link WriteBatch#data()} for the same operations.
 */
final class BatchBuilder {
    private static final int HEADER = 12;
    private static final byte TYPE_CF_DELETION = 0x4;
    private static final byte TYPE_CF_VALUE = 0x5;
    private static final byte TYPE_CF_RANGE_DELETION = 0xE;

    private byte[] buf;
    private int size = HEADER;
    private int count;

    BatchBuilder(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    void put(int cf, byte[] key, byte[] value) {
        ensure(1 + 5 + 5 + key.length + 5 + value.length);
        buf[size++] = TYPE_CF_VALUE;
        size = RecordCodec.putVarint(buf, size, cf);
        bytes(key);
        bytes(value);
        count++;
    }

    void delete(int cf, byte[] key) {
        ensure(1 + 5 + 5 + key.length);
        buf[size++] = TYPE_CF_DELETION;
        size = RecordCodec.putVarint(buf, size, cf);
        bytes(key);
        count++;
    }

    /** Deletes keys in [begin, end). */
    void deleteRange(int cf, byte[] begin, byte[] end) {
        ensure(1 + 5 + 5 + begin.length + 5 + end.length);
        buf[size++] = TYPE_CF_RANGE_DELETION;
        size = RecordCodec.putVarint(buf, size, cf);
        bytes(begin);
        bytes(end);
        count++;
    }

    /** Empties the builder, keeping its buffer for the next batch. */
    void clear() {
        size = HEADER;
        count = 0;
    }

    /**
     * A per-version value record written in place (no intermediate arrays): key = key hash ‖
     * BE(~version), value = tag ‖ varint length ‖ raw key ‖ value; see {@link RecordCodec}.
     */
    void putVersionRecord(int cf, KeyHash kh, long version, byte[] rawKey, byte[] value) {
        int vlen = value == null ? 0 : value.length;
        int recordLength = 1 + RecordCodec.varintLength(rawKey.length) + rawKey.length + vlen;
        ensure(1 + 5 + 1 + 40 + 5 + recordLength);
        buf[size++] = TYPE_CF_VALUE;
        size = RecordCodec.putVarint(buf, size, cf);
        size = RecordCodec.putVarint(buf, size, 40);
        kh.copyTo(buf, size);
        Versions.putLongBE(buf, size + 32, ~version);
        size += 40;
        size = RecordCodec.putVarint(buf, size, recordLength);
        buf[size++] = value == null ? RecordCodec.DELETED : RecordCodec.PUT;
        size = RecordCodec.putVarint(buf, size, rawKey.length);
        System.arraycopy(rawKey, 0, buf, size, rawKey.length);
        size += rawKey.length;
        if (value != null) {
            System.arraycopy(value, 0, buf, size, vlen);
            size += vlen;
        }
        count++;
    }

    /** A tree node written in place: key = its {@link NodeKey} encoding, value = its {@link NodeCodec} encoding. */
    void putNode(int cf, NodeKey key, Node node) {
        int keyLength = key.encodedLength();
        int valueLength = NodeCodec.encodedLength(node);
        ensure(1 + 5 + 5 + keyLength + 5 + valueLength);
        buf[size++] = TYPE_CF_VALUE;
        size = RecordCodec.putVarint(buf, size, cf);
        size = RecordCodec.putVarint(buf, size, keyLength);
        key.encodeInto(buf, size);
        size += keyLength;
        size = RecordCodec.putVarint(buf, size, valueLength);
        size = NodeCodec.encodeInto(node, buf, size);
        count++;
    }

    /**
     * One stale-index record written in place: value = varint count ‖ (varint length ‖ node key)*,
     * as {@link RecordCodec#decodeKeys} reads it.
     */
    void putNodeKeys(int cf, byte[] key, List<NodeKey> nodeKeys) {
        int valueLength = RecordCodec.varintLength(nodeKeys.size());
        for (NodeKey k : nodeKeys) {
            int n = k.encodedLength();
            valueLength += RecordCodec.varintLength(n) + n;
        }
        ensure(1 + 5 + 5 + key.length + 5 + valueLength);
        buf[size++] = TYPE_CF_VALUE;
        size = RecordCodec.putVarint(buf, size, cf);
        bytes(key);
        size = RecordCodec.putVarint(buf, size, valueLength);
        size = RecordCodec.putVarint(buf, size, nodeKeys.size());
        for (NodeKey k : nodeKeys) {
            int n = k.encodedLength();
            size = RecordCodec.putVarint(buf, size, n);
            k.encodeInto(buf, size);
            size += n;
        }
        count++;
    }

    /** One change log record written in place, as {@link RecordCodec#encodeChanges} encodes it. */
    void putChanges(int cf, byte[] key, byte[][] keys, byte[][] values) {
        int valueLength = RecordCodec.changesLength(keys, values);
        ensure(1 + 5 + 5 + key.length + 5 + valueLength);
        buf[size++] = TYPE_CF_VALUE;
        size = RecordCodec.putVarint(buf, size, cf);
        bytes(key);
        size = RecordCodec.putVarint(buf, size, valueLength);
        size = RecordCodec.putVarint(buf, size, keys.length);
        for (int i = 0; i < keys.length; i++) {
            bytes(keys[i]);
            byte[] v = values[i];
            size = RecordCodec.putVarint(buf, size, v == null ? 0 : v.length + 1);
            if (v != null) {
                System.arraycopy(v, 0, buf, size, v.length);
                size += v.length;
            }
        }
        count++;
    }

    int count() {
        return count;
    }

    int sizeInBytes() {
        return size;
    }

    /** The serialized batch. */
    byte[] toBytes() {
        return join(this);
    }

    /**
     * One serialized batch holding the records of every part, in the order given, each copied
     * once into an array of exactly the batch's size (what {@link WriteBatch#WriteBatch(byte[])}
     * takes): a commit's parts are built on different threads, and appending them to one builder
     * and then trimming its buffer would copy most bytes twice more.
     */
    static byte[] join(BatchBuilder... parts) {
        long length = HEADER;
        long records = 0;
        for (BatchBuilder b : parts) {
            length += b.size - HEADER;
            records += b.count;
        }
        if (length > Integer.MAX_VALUE - 8 || records > 0xFFFF_FFFFL) {
            throw new IllegalStateException("a write batch of " + length + " bytes and " + records
                    + " records is past RocksDB's limits");
        }
        byte[] out = new byte[(int) length];
        int pos = HEADER;
        for (BatchBuilder b : parts) {
            System.arraycopy(b.buf, HEADER, out, pos, b.size - HEADER);
            pos += b.size - HEADER;
        }
        // sequence (fixed64) stays 0; count is fixed32 little-endian
        int n = (int) records;
        out[8] = (byte) n;
        out[9] = (byte) (n >>> 8);
        out[10] = (byte) (n >>> 16);
        out[11] = (byte) (n >>> 24);
        return out;
    }

    /** A RocksJava batch holding these records (the caller closes it). */
    WriteBatch toWriteBatch() {
        return new WriteBatch(toBytes());
    }

    private void bytes(byte[] b) {
        size = RecordCodec.putVarint(buf, size, b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
