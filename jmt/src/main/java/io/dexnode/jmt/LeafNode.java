package io.dexnode.jmt;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One live key: its key hash and the hash of its value (spec §2.2). The value itself lives in
 * the versioned value store, not in the node, so rewriting a leaf never copies the value.
 */
public final class LeafNode implements Node {
    private final KeyHash keyHash;
    private final byte[] valueHash;

    /** A leaf; copies {@code valueHash} (32 bytes). */
    public LeafNode(KeyHash keyHash, byte[] valueHash) {
        this(keyHash, checkHash(valueHash).clone(), true);
    }

    private LeafNode(KeyHash keyHash, byte[] valueHash, boolean owned) {
        if (keyHash == null) {
            throw new IllegalArgumentException("a leaf needs a key hash");
        }
        this.keyHash = keyHash;
        this.valueHash = valueHash;
    }

    /** Takes ownership of {@code valueHash} without copying; for the tree's own hot path. */
    static LeafNode owning(KeyHash keyHash, byte[] valueHash) {
        return new LeafNode(keyHash, checkHash(valueHash), true);
    }

    private static byte[] checkHash(byte[] h) {
        if (h == null || h.length != JmtHasher.HASH_LENGTH) {
            throw new IllegalArgumentException("a value hash is 32 bytes");
        }
        return h;
    }

    /** The key hash. */
    public KeyHash keyHash() {
        return keyHash;
    }

    /** A copy of the value hash. */
    public byte[] valueHash() {
        return valueHash.clone();
    }

    /** The value hash without copying; callers in this package never write to it. */
    byte[] valueHashRef() {
        return valueHash;
    }

    /** leaf_hash(key_hash, value_hash), computed on demand (a parent records it already). */
    @Override
    public byte[] hash() {
        return JmtHasher.local().leafHash(keyHash, valueHash);
    }

    @Override
    public long leafCount() {
        return 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeafNode l && l.keyHash.equals(keyHash) && Arrays.equals(l.valueHash, valueHash);
    }

    @Override
    public int hashCode() {
        return keyHash.hashCode() * 31 + Arrays.hashCode(valueHash);
    }

    @Override
    public String toString() {
        return "Leaf(" + keyHash.hex() + ", " + HexFormat.of().formatHex(valueHash) + ")";
    }
}
