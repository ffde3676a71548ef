package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layouts of the RocksDB column families that are not tree nodes, all in one place.
 *
 * <pre>
 * versions : key_hash(32) ‖ BE(~version)  →  tag(1: 0 = deleted, 1 = put) ‖ varint len ‖ raw key ‖ value
 * changes  : BE(version)                   →  varint count ‖ (varint len ‖ raw key)*   (sorted)
 * stale    : BE(version)                   →  varint count ‖ (varint len ‖ node key)*  (the nodes this
 *                                             version made stale: one record per version, not per node,
 *                                             which halves the records a commit writes)
 * meta     : "format" → u8 ; "latest" → BE u64 ; "oldest" → BE u64 ; "pruned" → BE u64 ;
 *            'r' ‖ BE(version) → root(32)
 * </pre>
 *
 * The per-version store is keyed by key hash, not raw key, because the tree asks for values by key
 * hash (proofs read a neighbour's value knowing only its hash); the raw key rides in the value as
 * the preimage ICS23 non-existence proofs need. The inverted version sorts the newest entry of a
 * key first, so "value as of v" is one seek to (hash, ~v).
 */
final class RecordCodec {
    static final byte[] META_FORMAT = {'f', 'o', 'r', 'm', 'a', 't'};
    static final byte[] META_LATEST = {'l', 'a', 't', 'e', 's', 't'};
    static final byte[] META_OLDEST = {'o', 'l', 'd', 'e', 's', 't'};
    static final byte[] META_PRUNED = {'p', 'r', 'u', 'n', 'e', 'd'};
    static final byte ROOT_PREFIX = 'r';
    static final byte DELETED = 0;
    static final byte PUT = 1;

    private RecordCodec() {}

    static byte[] versionKey(KeyHash kh, long version) {
        byte[] out = new byte[KeyHash.LENGTH + 8];
        kh.copyTo(out, 0);
        Versions.putLongBE(out, KeyHash.LENGTH, ~version);
        return out;
    }

    static boolean sameHash(byte[] versionKey, byte[] prefix) {
        return versionKey.length == KeyHash.LENGTH + 8
                && java.util.Arrays.equals(versionKey, 0, KeyHash.LENGTH, prefix, 0, KeyHash.LENGTH);
    }

    static byte[] versionValue(byte[] rawKey, byte[] value) {
        int vlen = value == null ? 0 : value.length;
        byte[] out = new byte[1 + varintLength(rawKey.length) + rawKey.length + vlen];
        out[0] = value == null ? DELETED : PUT;
        int p = putVarint(out, 1, rawKey.length);
        System.arraycopy(rawKey, 0, out, p, rawKey.length);
        if (value != null) {
            System.arraycopy(value, 0, out, p + rawKey.length, vlen);
        }
        return out;
    }

    /** The value inside a per-version record, or null for a deletion. */
    static byte[] valueOf(byte[] record) {
        if (record[0] == DELETED) {
            return null;
        }
        int[] pos = {1};
        int len = readVarint(record, pos);
        int start = pos[0] + len;
        return java.util.Arrays.copyOfRange(record, start, record.length);
    }

    static boolean isDeletion(byte[] record) {
        return record[0] == DELETED;
    }

    static byte[] rawKeyOf(byte[] record) {
        int[] pos = {1};
        int len = readVarint(record, pos);
        return java.util.Arrays.copyOfRange(record, pos[0], pos[0] + len);
    }

    static byte[] rootKey(long version) {
        byte[] out = new byte[9];
        out[0] = ROOT_PREFIX;
        Versions.putLongBE(out, 1, version);
        return out;
    }

    static byte[] encodeKeys(byte[][] keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(keys.length * 24 + 4);
        byte[] buf = new byte[10];
        out.write(buf, 0, putVarint(buf, 0, keys.length));
        for (byte[] k : keys) {
            out.write(buf, 0, putVarint(buf, 0, k.length));
            out.write(k, 0, k.length);
        }
        return out.toByteArray();
    }

    /** The node keys of stale-index entries, in the order given (commits write the same bytes in place: {@link BatchBuilder#putStale}). */
    static byte[] encodeNodeKeys(List<io.dexnode.jmt.StaleNodeIndex> stale) {
        byte[][] keys = new byte[stale.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = stale.get(i).nodeKey().encode();
        }
        return encodeKeys(keys);
    }

    static List<byte[]> decodeKeys(byte[] record) {
        int[] pos = {0};
        int n = readVarint(record, pos);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = readVarint(record, pos);
            out.add(java.util.Arrays.copyOfRange(record, pos[0], pos[0] + len));
            pos[0] += len;
        }
        return out;
    }

    static int varintLength(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    static int putVarint(byte[] out, int p, int v) {
        while ((v & ~0x7F) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    static int readVarint(byte[] in, int[] pos) {
        int v = 0;
        int shift = 0;
        while (true) {
            if (pos[0] >= in.length || shift > 28) {
                throw new StateException("corrupt record: bad length prefix");
            }
            int b = in[pos[0]++];
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
