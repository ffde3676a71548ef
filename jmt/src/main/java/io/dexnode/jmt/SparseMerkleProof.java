package io.dexnode.jmt;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A native JMT proof (spec §3.1): the leaf where the walk towards a key hash stopped (absent when
 * it stopped at an empty subtree) and the binary siblings along the way, bottom-up, placeholders
 * included. It proves existence of (key, value) or non-existence of a key against a root.
 */
public final class SparseMerkleProof {
    /** The longest possible proof: one sibling per key-hash bit. */
    public static final int MAX_SIBLINGS = KeyHash.BITS;

    private final LeafNode leaf;
    private final List<Sibling> siblings;

    /**
     * A proof from its parts.
     *
     * @param leaf the leaf where the walk stopped, or null for an empty subtree
     * @param siblingsBottomUp {@code [0]} is next to the leaf, the last is the root's other child
     */
    public SparseMerkleProof(LeafNode leaf, List<Sibling> siblingsBottomUp) {
        this.leaf = leaf;
        this.siblings = List.copyOf(siblingsBottomUp);
    }

    /** The leaf where the walk stopped, or null when it stopped at an empty subtree. */
    public LeafNode leaf() {
        return leaf;
    }

    /** The siblings, bottom-up. */
    public List<Sibling> siblings() {
        return siblings;
    }

    /**
     * Checks the proof per spec §3.2: with a value, that ({@code keyHash}, value) is in the tree
     * with root {@code root}; with {@code value == null}, that {@code keyHash} is not.
     */
    public boolean verify(byte[] root, KeyHash keyHash, byte[] value) {
        return failure(root, keyHash, value) == null;
    }

    /** Like {@link #verify} but throws a {@link JmtException} saying what failed. */
    public void verifyOrThrow(byte[] root, KeyHash keyHash, byte[] value) {
        String why = failure(root, keyHash, value);
        if (why != null) {
            throw new JmtException("proof does not verify: " + why);
        }
    }

    private String failure(byte[] root, KeyHash keyHash, byte[] value) {
        int n = siblings.size();
        if (n > MAX_SIBLINGS) {
            return "more than 256 siblings";
        }
        JmtHasher h = JmtHasher.local();
        if (value != null) {
            if (leaf == null) {
                return "existence claimed but the proof ends at an empty subtree";
            }
            if (!leaf.hasKey(keyHash)) {
                return "existence claimed but the proof's leaf is another key";
            }
            if (!Arrays.equals(leaf.valueHash(), h.valueHash(value))) {
                return "value hash does not match the leaf";
            }
        } else if (leaf != null) {
            if (leaf.hasKey(keyHash)) {
                return "non-existence claimed but the proof's leaf is this key";
            }
            if (keyHash.commonPrefixBits(leaf.keyHash()) < n) {
                return "the proof's leaf is not in the key's subtree";
            }
        }
        byte[] cur = leaf != null ? leaf.hash() : JmtHasher.placeholder();
        for (int i = 0; i < n; i++) {
            byte[] sib = siblings.get(i).hash();
            if (keyHash.bit(n - 1 - i) == 1) {
                h.internalHash(sib, 0, cur, 0, cur, 0);
            } else {
                h.internalHash(cur, 0, sib, 0, cur, 0);
            }
        }
        return Arrays.equals(cur, root) ? null : "computed root differs";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseMerkleProof p && java.util.Objects.equals(p.leaf, leaf) && p.siblings.equals(siblings);
    }

    @Override
    public int hashCode() {
        return siblings.hashCode() * 31 + java.util.Objects.hashCode(leaf);
    }

    @Override
    public String toString() {
        return "SparseMerkleProof(leaf=" + leaf + ", siblings=" + siblings + ")";
    }

    /**
     * A sibling subtree on the proof path, typed as the crate types it (spec §3.1). Only its
     * hash matters for verification; the type tells what kind of subtree it is.
     */
    public sealed interface Sibling permits Placeholder, LeafSibling, InternalSibling {
        /** The subtree's hash (a fresh array). */
        byte[] hash();
    }

    /** An empty subtree. */
    public record Placeholder() implements Sibling {
        @Override
        public byte[] hash() {
            return JmtHasher.placeholder();
        }
    }

    /** A subtree holding exactly one key. */
    public record LeafSibling(KeyHash keyHash, byte[] valueHash) implements Sibling {
        public LeafSibling {
            valueHash = valueHash.clone();
        }

        @Override
        public byte[] valueHash() {
            return valueHash.clone();
        }

        @Override
        public byte[] hash() {
            return JmtHasher.local().leafHash(keyHash, valueHash);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LeafSibling l && l.keyHash.equals(keyHash) && Arrays.equals(l.valueHash, valueHash);
        }

        @Override
        public int hashCode() {
            return keyHash.hashCode();
        }

        @Override
        public String toString() {
            return "Leaf(" + keyHash.hex() + ", " + HexFormat.of().formatHex(valueHash) + ")";
        }
    }

    /** A subtree holding two or more keys, given by the hashes of its two halves. */
    public record InternalSibling(byte[] left, byte[] right) implements Sibling {
        public InternalSibling {
            left = left.clone();
            right = right.clone();
        }

        @Override
        public byte[] left() {
            return left.clone();
        }

        @Override
        public byte[] right() {
            return right.clone();
        }

        @Override
        public byte[] hash() {
            return JmtHasher.local().internalHash(left, right);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InternalSibling s && Arrays.equals(s.left, left) && Arrays.equals(s.right, right);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(left) * 31 + Arrays.hashCode(right);
        }

        @Override
        public String toString() {
            return "Internal(" + HexFormat.of().formatHex(left) + ", " + HexFormat.of().formatHex(right) + ")";
        }
    }
}
