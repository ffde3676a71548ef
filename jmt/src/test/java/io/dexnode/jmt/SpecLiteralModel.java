package io.dexnode.jmt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A from-scratch model of spec §1.6 and §3.1 that shares no code with the tree (not even its
 * hasher): a sorted map of 32-byte key hashes (as hex) to values, and the root, the proof
 * siblings and the key-hash neighbours computed by the recursive definition, literally.
 */
final class SpecLiteralModel {
    static final byte[] LEAF = "JMT::LeafNode".getBytes(StandardCharsets.US_ASCII);
    static final byte[] INTERNAL = "JMT::IntrnalNode".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PLACEHOLDER = "SPARSE_MERKLE_PLACEHOLDER_HASH__".getBytes(StandardCharsets.US_ASCII);

    /** Hex key hash → value; hex of equal-length lowercase strings sorts as the bytes do. */
    private final TreeMap<String, byte[]> entries = new TreeMap<>();

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int bit(byte[] kh, int i) {
        return (kh[i / 8] >> (7 - i % 8)) & 1;
    }

    static byte[] leafHash(byte[] kh, byte[] value) {
        return sha256(LEAF, kh, sha256(value));
    }

    static byte[] internalHash(byte[] left, byte[] right) {
        return sha256(INTERNAL, left, right);
    }

    SpecLiteralModel copy() {
        SpecLiteralModel c = new SpecLiteralModel();
        c.entries.putAll(entries);
        return c;
    }

    void put(byte[] keyHash, byte[] value) {
        entries.put(HexFormat.of().formatHex(keyHash), value.clone());
    }

    void delete(byte[] keyHash) {
        entries.remove(HexFormat.of().formatHex(keyHash));
    }

    /** Applies a batch in order (the last write to a key wins). */
    void apply(List<ValueUpdate> batch) {
        for (ValueUpdate u : batch) {
            if (u.value() == null) {
                delete(u.keyHash().bytes());
            } else {
                put(u.keyHash().bytes(), u.value());
            }
        }
    }

    byte[] get(byte[] keyHash) {
        byte[] v = entries.get(HexFormat.of().formatHex(keyHash));
        return v == null ? null : v.clone();
    }

    int size() {
        return entries.size();
    }

    Map<String, byte[]> entries() {
        return Collections.unmodifiableMap(entries);
    }

    List<byte[]> keyHashes() {
        List<byte[]> out = new ArrayList<>();
        for (String k : entries.keySet()) {
            out.add(HexFormat.of().parseHex(k));
        }
        return out;
    }

    byte[] root() {
        return hash(keyHashes(), 0);
    }

    /** H(S, d): the placeholder, a leaf, or the internal hash of the two halves split on bit d. */
    byte[] hash(List<byte[]> keys, int d) {
        if (keys.isEmpty()) {
            return PLACEHOLDER.clone();
        }
        if (keys.size() == 1) {
            return leafHash(keys.get(0), entries.get(HexFormat.of().formatHex(keys.get(0))));
        }
        List<byte[]> left = new ArrayList<>();
        List<byte[]> right = new ArrayList<>();
        for (byte[] k : keys) {
            (bit(k, d) == 0 ? left : right).add(k);
        }
        return internalHash(hash(left, d + 1), hash(right, d + 1));
    }

    /** The keys under a bit prefix of {@code target} of length {@code bits}. */
    List<byte[]> under(byte[] target, int bits) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] k : keyHashes()) {
            int common = 0;
            while (common < bits && bit(k, common) == bit(target, common)) {
                common++;
            }
            if (common == bits) {
                out.add(k);
            }
        }
        return out;
    }

    /** Proof siblings bottom-up, and the key hash of the leaf the walk stops at (null: empty subtree). */
    record Proof(List<byte[]> siblingsBottomUp, byte[] leafKeyHash) {}

    Proof proof(byte[] target) {
        List<byte[]> topDown = new ArrayList<>();
        List<byte[]> current = keyHashes();
        int d = 0;
        while (current.size() > 1) {
            List<byte[]> same = new ArrayList<>();
            List<byte[]> other = new ArrayList<>();
            for (byte[] k : current) {
                (bit(k, d) == bit(target, d) ? same : other).add(k);
            }
            topDown.add(hash(other, d + 1));
            current = same;
            d++;
        }
        Collections.reverse(topDown);
        return new Proof(topDown, current.isEmpty() ? null : current.get(0));
    }

    /** The greatest live key hash below {@code target}, or null. */
    byte[] below(byte[] target) {
        String k = entries.lowerKey(HexFormat.of().formatHex(target));
        return k == null ? null : HexFormat.of().parseHex(k);
    }

    /** The smallest live key hash above {@code target}, or null. */
    byte[] above(byte[] target) {
        String k = entries.higherKey(HexFormat.of().formatHex(target));
        return k == null ? null : HexFormat.of().parseHex(k);
    }
}
