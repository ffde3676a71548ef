package io.dexnode.jmt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deliberately simple reference: a sorted map key hash → value, and the root and proof
 * siblings computed straight from the recursive definition of spec §1.6 over 256-bit paths.
 * Slow and obviously correct; the real tree must agree with it.
 */
final class NaiveSparseMerkleTree {
    private final TreeMap<KeyHash, byte[]> entries = new TreeMap<>();

    NaiveSparseMerkleTree copy() {
        NaiveSparseMerkleTree c = new NaiveSparseMerkleTree();
        c.entries.putAll(entries);
        return c;
    }

    void apply(List<ValueUpdate> batch) {
        for (ValueUpdate u : batch) {
            if (u.value() == null) {
                entries.remove(u.keyHash());
            } else {
                entries.put(u.keyHash(), u.value());
            }
        }
    }

    Map<KeyHash, byte[]> entries() {
        return Collections.unmodifiableMap(entries);
    }

    byte[] get(KeyHash k) {
        return entries.get(k);
    }

    byte[] root() {
        return hash(new ArrayList<>(entries.keySet()), 0);
    }

    /** H(S, d) of spec §1.6, with S given as its (sorted) key hashes. */
    private byte[] hash(List<KeyHash> keys, int depth) {
        JmtHasher h = new JmtHasher();
        if (keys.isEmpty()) {
            return JmtHasher.placeholder();
        }
        if (keys.size() == 1) {
            return h.leafHash(keys.get(0), h.valueHash(entries.get(keys.get(0))));
        }
        List<KeyHash> left = new ArrayList<>();
        List<KeyHash> right = new ArrayList<>();
        for (KeyHash k : keys) {
            (k.bit(depth) == 0 ? left : right).add(k);
        }
        return h.internalHash(hash(left, depth + 1), hash(right, depth + 1));
    }

    /** The sibling hashes of a proof for {@code target}, bottom-up (spec §3.1, logical form). */
    List<byte[]> siblingHashes(KeyHash target) {
        List<byte[]> topDown = new ArrayList<>();
        List<KeyHash> current = new ArrayList<>(entries.keySet());
        int depth = 0;
        while (current.size() > 1) {
            List<KeyHash> same = new ArrayList<>();
            List<KeyHash> other = new ArrayList<>();
            for (KeyHash k : current) {
                (k.bit(depth) == target.bit(depth) ? same : other).add(k);
            }
            topDown.add(hash(other, depth + 1));
            current = same;
            depth++;
        }
        Collections.reverse(topDown);
        return topDown;
    }
}
