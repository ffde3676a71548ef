package io.dexnode.jmt;

import java.util.HexFormat;

/**
 * One live key: its key hash and the hash of its value (spec §2.2). The value itself lives in
 * the versioned value store, not in the node, so rewriting a leaf never copies the value.
 *
 * <p>Both hashes are held inline as words: a tree of a million keys has a million leaves, and one
 * object per leaf (instead of a node, a key-hash object and an array) halves their footprint and
 * saves a cache miss whenever an update compares a leaf's key.
 */
public final class LeafNode implements Node {
    private final long k0;
    private final long k1;
    private final long k2;
    private final long k3;
    private final long v0;
    private final long v1;
    private final long v2;
    private final long v3;

    /** A leaf from a key hash and a 32-byte value hash (copied). */
    public LeafNode(KeyHash keyHash, byte[] valueHash) {
        this(keyHash, checkHash(valueHash), 0);
    }

    /** A leaf whose value hash is the 32 bytes of {@code valueHashes} at {@code offset}. */
    LeafNode(KeyHash keyHash, byte[] valueHashes, int offset) {
        this.k0 = keyHash.word(0);
        this.k1 = keyHash.word(1);
        this.k2 = keyHash.word(2);
        this.k3 = keyHash.word(3);
        this.v0 = Bytes.getLongBE(valueHashes, offset);
        this.v1 = Bytes.getLongBE(valueHashes, offset + 8);
        this.v2 = Bytes.getLongBE(valueHashes, offset + 16);
        this.v3 = Bytes.getLongBE(valueHashes, offset + 24);
    }

    private static byte[] checkHash(byte[] h) {
        if (h == null || h.length != JmtHasher.HASH_LENGTH) {
            throw new IllegalArgumentException("a value hash is 32 bytes");
        }
        return h;
    }

    /** The key hash (a new object on each call). */
    public KeyHash keyHash() {
        return KeyHash.ofWords(k0, k1, k2, k3);
    }

    /** A copy of the value hash. */
    public byte[] valueHash() {
        byte[] out = new byte[JmtHasher.HASH_LENGTH];
        copyValueHashTo(out, 0);
        return out;
    }

    void copyKeyHashTo(byte[] dst, int offset) {
        Bytes.putLongBE(dst, offset, k0);
        Bytes.putLongBE(dst, offset + 8, k1);
        Bytes.putLongBE(dst, offset + 16, k2);
        Bytes.putLongBE(dst, offset + 24, k3);
    }

    void copyValueHashTo(byte[] dst, int offset) {
        Bytes.putLongBE(dst, offset, v0);
        Bytes.putLongBE(dst, offset + 8, v1);
        Bytes.putLongBE(dst, offset + 16, v2);
        Bytes.putLongBE(dst, offset + 24, v3);
    }

    /** Whether this leaf holds {@code keyHash}. */
    boolean hasKey(KeyHash keyHash) {
        return keyHash.hasWords(k0, k1, k2, k3);
    }

    /** This leaf's key compared with {@code keyHash} in key-hash (unsigned) order. */
    int compareKeyTo(KeyHash keyHash) {
        return -keyHash.compareToWords(k0, k1, k2, k3);
    }

    /** Nibble {@code i} of this leaf's key hash. */
    int keyNibble(int i) {
        long w = switch (i >>> 4) {
            case 0 -> k0;
            case 1 -> k1;
            case 2 -> k2;
            default -> k3;
        };
        return (int) (w >>> (60 - ((i & 15) << 2))) & 0xF;
    }

    /** leaf_hash(key_hash, value_hash), computed on demand (a parent records it already). */
    @Override
    public byte[] hash() {
        byte[] out = new byte[JmtHasher.HASH_LENGTH];
        JmtHasher.local().leafHash(this, out, 0);
        return out;
    }

    @Override
    public long leafCount() {
        return 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeafNode l && l.k0 == k0 && l.k1 == k1 && l.k2 == k2 && l.k3 == k3
                && l.v0 == v0 && l.v1 == v1 && l.v2 == v2 && l.v3 == v3;
    }

    @Override
    public int hashCode() {
        return (int) Bytes.mix(k0 ^ k1 ^ k2 ^ k3 ^ v0);
    }

    @Override
    public String toString() {
        return "Leaf(" + keyHash().hex() + ", " + HexFormat.of().formatHex(valueHash()) + ")";
    }
}
