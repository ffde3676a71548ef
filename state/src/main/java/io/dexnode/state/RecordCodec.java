package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layouts of the RocksDB column families that are not tree nodes, all in one place
 * (format {@value StateDirectory#FORMAT_VERSION}).
 *
 * <pre>
 * latest   : raw key                       →  value                      (written by every commit)
 * changes  : BE(version)                   →  varint count ‖ (varint len ‖ raw key ‖ varint (value len + 1, 0 = deleted) ‖ value)*
 *                                             the version's change log, sorted by raw key (written by every commit
 *                                             that writes a key; what a restart re-applies to the tree)
 * versions : key_hash(32) ‖ BE(~version)  →  tag(1: 0 = deleted, 1 = put) ‖ varint len ‖ raw key ‖ value
 *                                             (the value history, written by the tree persister up to its version)
 * stale    : BE(tree version)              →  varint count ‖ (varint len ‖ node key)*  (the persisted nodes that
 *                                             the persisted tree of that version no longer holds)
 * meta     : "format" → u8 ; "latest" → BE u64 ; "oldest" → BE u64 ; "pruned" → BE u64 ;
 *            "tree" → BE u64 (the newest persisted tree) ; 'r' ‖ BE(version) → root(32) ;
 *            't' ‖ BE(version) → empty (a persisted tree, whole on disk)
 * </pre>
 *
 * The value history is keyed by key hash, not raw key, because the tree asks for values by key
 * hash (proofs read a neighbour's value knowing only its hash); the raw key rides in the value as
 * the preimage ICS23 non-existence proofs need. The inverted version sorts the newest entry of a
 * key first, so "value as of v" is one seek to (hash, ~v).
 */
final class RecordCodec {
    static final byte[] META_FORMAT = {'f', 'o', 'r', 'm', 'a', 't'};
    static final byte[] META_LATEST = {'l', 'a', 't', 'e', 's', 't'};
    static final byte[] META_OLDEST = {'o', 'l', 'd', 'e', 's', 't'};
    static final byte[] META_PRUNED = {'p', 'r', 'u', 'n', 'e', 'd'};
    static final byte[] META_TREE = {'t', 'r', 'e', 'e'};
    static final byte ROOT_PREFIX = 'r';
    static final byte TREE_PREFIX = 't';
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

    /** The meta key recording that the tree of {@code version} is whole on disk. */
    static byte[] treeKey(long version) {
        byte[] out = new byte[9];
        out[0] = TREE_PREFIX;
        Versions.putLongBE(out, 1, version);
        return out;
    }

    /** Whether {@code key} is a meta key made by {@link #rootKey} or {@link #treeKey} with {@code prefix}. */
    static boolean isVersionKey(byte[] key, byte prefix) {
        return key.length == 9 && key[0] == prefix;
    }

    /** A change log record: the raw keys (sorted) and their values (null = deleted). */
    static byte[] encodeChanges(byte[][] keys, byte[][] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(keys.length * 64 + 4);
        byte[] buf = new byte[10];
        out.write(buf, 0, putVarint(buf, 0, keys.length));
        for (int i = 0; i < keys.length; i++) {
            out.write(buf, 0, putVarint(buf, 0, keys[i].length));
            out.write(keys[i], 0, keys[i].length);
            byte[] v = values[i];
            out.write(buf, 0, putVarint(buf, 0, v == null ? 0 : v.length + 1));
            if (v != null) {
                out.write(v, 0, v.length);
            }
        }
        return out.toByteArray();
    }

    /** The length of {@link #encodeChanges}'s record. */
    static int changesLength(byte[][] keys, byte[][] values) {
        int n = varintLength(keys.length);
        for (int i = 0; i < keys.length; i++) {
            n += varintLength(keys[i].length) + keys[i].length;
            byte[] v = values[i];
            n += varintLength(v == null ? 0 : v.length + 1) + (v == null ? 0 : v.length);
        }
        return n;
    }

    /** A decoded change log: raw keys in byte order and their values (null = deleted). */
    record Changes(byte[][] keys, byte[][] values) {}

    static Changes decodeChanges(byte[] record) {
        int[] pos = {0};
        int n = readVarint(record, pos);
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            int len = readVarint(record, pos);
            keys[i] = slice(record, pos, len);
            int vlen = readVarint(record, pos);
            values[i] = vlen == 0 ? null : slice(record, pos, vlen - 1);
        }
        if (pos[0] != record.length) {
            throw new StateException("corrupt change log: " + (record.length - pos[0]) + " trailing bytes");
        }
        return new Changes(keys, values);
    }

    /** Only the raw keys of a change log record. */
    static List<byte[]> decodeChangedKeys(byte[] record) {
        int[] pos = {0};
        int n = readVarint(record, pos);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = readVarint(record, pos);
            out.add(slice(record, pos, len));
            int vlen = readVarint(record, pos);
            pos[0] += vlen == 0 ? 0 : vlen - 1;
        }
        return out;
    }

    private static byte[] slice(byte[] record, int[] pos, int len) {
        if (len < 0 || pos[0] + len > record.length) {
            throw new StateException("corrupt record: a length runs past its end");
        }
        byte[] out = java.util.Arrays.copyOfRange(record, pos[0], pos[0] + len);
        pos[0] += len;
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
