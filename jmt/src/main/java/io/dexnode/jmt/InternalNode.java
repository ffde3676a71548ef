package io.dexnode.jmt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A physical 16-way node: up to 16 children, indexed by the next nibble, standing for the next
 * four binary levels of the logical tree (spec §1.7).
 *
 * <p>Children are stored compactly by rank (bitmaps + parallel arrays, no per-child objects). The
 * node keeps a transient cache of the hashes of its internal binary positions (heap numbering:
 * 1 is the node itself, 2–3 the halves, 4–7 the quarters, 8–15 the pairs; 16–31 are the children).
 * Only positions that the spec actually hashes are stored — a range holding no child is the
 * placeholder and a range holding a single leaf is that leaf's hash. The cache is what lets a batch
 * rehash only the four positions above a changed child instead of all fifteen; it is never
 * persisted and is recomputed on first use after decoding.
 */
public final class InternalNode implements Node {
    /** RANGE[p] = the 16-bit mask of children covered by heap position p (1..31). */
    private static final int[] RANGE = new int[32];

    static {
        for (int p = 1; p < 32; p++) {
            int level = 31 - Integer.numberOfLeadingZeros(p);
            int width = 16 >>> level;
            int start = (p - (1 << level)) * width;
            RANGE[p] = ((1 << width) - 1) << start;
        }
    }

    private static final int SOURCE_PLACEHOLDER = 0;
    private static final int SOURCE_CHILD = 1;
    private static final int SOURCE_CACHE = 2;

    private final int existence;
    private final int leaves;
    private final long[] versions;
    private final long[] leafCounts;
    private final byte[] childHashes;
    private final long leafCount;
    private final int hashedMask;
    /** Hashes of the hashed positions in heap order; bytes [0, 32) are this node's hash. */
    private volatile byte[] subHashes;

    /**
     * A node from compact arrays (taken over, not copied). {@code leafCounts[i]} is 1 for a leaf
     * child and at least 2 for an internal one.
     */
    InternalNode(int existence, int leaves, long[] versions, long[] leafCounts, byte[] childHashes) {
        if ((existence & ~0xFFFF) != 0 || (leaves & ~existence) != 0) {
            throw new IllegalArgumentException(String.format(
                    "bad child bitmaps: existence %04x, leaves %04x", existence, leaves));
        }
        int count = Integer.bitCount(existence);
        if (count == 0) {
            throw new IllegalArgumentException("an internal node has at least one child");
        }
        if (count == 1 && leaves != 0) {
            throw new IllegalArgumentException("an internal node with a single child needs an internal child, not a leaf");
        }
        if (versions.length != count || leafCounts.length != count || childHashes.length != count * JmtHasher.HASH_LENGTH) {
            throw new IllegalArgumentException("child arrays do not match the " + count + " children of the bitmap");
        }
        long total = 0;
        for (int rank = 0, bits = existence; bits != 0; rank++, bits &= bits - 1) {
            boolean leaf = (leaves & Integer.lowestOneBit(bits)) != 0;
            if (leaf ? leafCounts[rank] != 1 : leafCounts[rank] < 2) {
                throw new IllegalArgumentException("child " + Integer.numberOfTrailingZeros(bits)
                        + " has leaf count " + leafCounts[rank] + " for a " + (leaf ? "leaf" : "internal node"));
            }
            total = Math.addExact(total, leafCounts[rank]);
        }
        this.existence = existence;
        this.leaves = leaves;
        this.versions = versions;
        this.leafCounts = leafCounts;
        this.childHashes = childHashes;
        this.leafCount = total;
        this.hashedMask = hashedPositions(existence, leaves);
    }

    /**
     * One child as its parent records it: where it is (its version; its path is the parent's path
     * plus {@code nibble}), its hash, and whether it is a leaf.
     */
    public record Child(int nibble, long version, byte[] hash, boolean isLeaf, long leafCount) {
        public Child {
            if (nibble < 0 || nibble > 15) {
                throw new IllegalArgumentException("a nibble is 0..15, got " + nibble);
            }
            if (hash == null || hash.length != JmtHasher.HASH_LENGTH) {
                throw new IllegalArgumentException("a child hash is 32 bytes");
            }
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Child c && c.nibble == nibble && c.version == version && c.isLeaf == isLeaf
                    && c.leafCount == leafCount && Arrays.equals(c.hash, hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash) * 31 + nibble;
        }

        @Override
        public String toString() {
            return "Child(" + Integer.toHexString(nibble) + ", v" + Long.toUnsignedString(version) + ", "
                    + (isLeaf ? "leaf" : "internal/" + leafCount) + ", " + HexFormat.of().formatHex(hash) + ")";
        }
    }

    /** A node from its children (any order, distinct nibbles). */
    public static InternalNode of(List<Child> children) {
        Child[] sorted = children.toArray(Child[]::new);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.nibble(), b.nibble()));
        int existence = 0;
        int leaves = 0;
        long[] versions = new long[sorted.length];
        long[] counts = new long[sorted.length];
        byte[] hashes = new byte[sorted.length * JmtHasher.HASH_LENGTH];
        for (int i = 0; i < sorted.length; i++) {
            Child c = sorted[i];
            if ((existence & (1 << c.nibble())) != 0) {
                throw new IllegalArgumentException("two children at nibble " + c.nibble());
            }
            existence |= 1 << c.nibble();
            if (c.isLeaf()) {
                leaves |= 1 << c.nibble();
            }
            versions[i] = c.version();
            counts[i] = c.leafCount();
            System.arraycopy(c.hash, 0, hashes, i * JmtHasher.HASH_LENGTH, JmtHasher.HASH_LENGTH);
        }
        return new InternalNode(existence, leaves, versions, counts, hashes);
    }

    /** The children in nibble order. */
    public List<Child> children() {
        List<Child> out = new ArrayList<>(versions.length);
        for (int rank = 0, bits = existence; bits != 0; rank++, bits &= bits - 1) {
            int n = Integer.numberOfTrailingZeros(bits);
            out.add(new Child(n, versions[rank], childHash(n), (leaves & (1 << n)) != 0, leafCounts[rank]));
        }
        return out;
    }

    /** Bit i set when child i exists. */
    public int existenceBitmap() {
        return existence;
    }

    /** Bit i set when child i is a leaf. */
    public int leafBitmap() {
        return leaves;
    }

    /** Number of children. */
    public int childCount() {
        return versions.length;
    }

    /** Whether a child exists under {@code nibble}. */
    public boolean hasChild(int nibble) {
        return (existence & (1 << nibble)) != 0;
    }

    /** Whether the child under {@code nibble} is a leaf. */
    public boolean isLeafChild(int nibble) {
        return (leaves & (1 << nibble)) != 0;
    }

    /** The version of the child under {@code nibble} (part of its node key). */
    public long childVersion(int nibble) {
        return versions[rankOf(nibble)];
    }

    /** The leaf count of the child under {@code nibble}. */
    public long childLeafCount(int nibble) {
        return leafCounts[rankOf(nibble)];
    }

    /** A copy of the hash of the child under {@code nibble}. */
    public byte[] childHash(int nibble) {
        int off = rankOf(nibble) * JmtHasher.HASH_LENGTH;
        return Arrays.copyOfRange(childHashes, off, off + JmtHasher.HASH_LENGTH);
    }

    private int rankOf(int nibble) {
        if (!hasChild(nibble)) {
            throw new IllegalArgumentException("no child under nibble " + nibble);
        }
        return Integer.bitCount(existence & ((1 << nibble) - 1));
    }

    @Override
    public long leafCount() {
        return leafCount;
    }

    @Override
    public byte[] hash() {
        return Arrays.copyOf(subHashes(), JmtHasher.HASH_LENGTH);
    }

    // ---- package-private access for the tree, the codec and proofs (no copies) ----

    long[] versionsRef() {
        return versions;
    }

    long[] leafCountsRef() {
        return leafCounts;
    }

    byte[] childHashesRef() {
        return childHashes;
    }

    /** The cache, computed in full on first use (e.g. after decoding). */
    byte[] subHashes() {
        byte[] s = subHashes;
        if (s == null) {
            s = computeSubHashes(null, 0xFFFF, JmtHasher.local());
            subHashes = s;
        }
        return s;
    }

    /**
     * Fills the cache of this new node, copying from {@code previous} every position whose child
     * range holds none of the {@code changedChildren} (their content is then identical) and
     * hashing the rest bottom-up. {@code previous} null means hash everything.
     */
    void buildSubHashes(InternalNode previous, int changedChildren, JmtHasher hasher) {
        subHashes = computeSubHashes(previous, changedChildren, hasher);
    }

    private byte[] computeSubHashes(InternalNode previous, int changed, JmtHasher hasher) {
        byte[] out = new byte[Integer.bitCount(hashedMask) * JmtHasher.HASH_LENGTH];
        byte[] old = previous == null ? null : previous.subHashes();
        for (int p = 15; p >= 1; p--) {
            if ((hashedMask & (1 << p)) == 0) {
                continue;
            }
            int dst = rank(hashedMask, p) * JmtHasher.HASH_LENGTH;
            if (old != null && (RANGE[p] & changed) == 0) {
                System.arraycopy(old, rank(previous.hashedMask, p) * JmtHasher.HASH_LENGTH, out, dst, JmtHasher.HASH_LENGTH);
                continue;
            }
            long l = locate(2 * p);
            long r = locate(2 * p + 1);
            hasher.internalHash(source(l, out), (int) l, source(r, out), (int) r, out, dst);
        }
        return out;
    }

    /** Positions 1..15 whose value is an internal hash (spec §1.7: ≥2 children, or one internal). */
    static int hashedPositions(int existence, int leaves) {
        int mask = 0;
        for (int p = 1; p < 16; p++) {
            int inRange = existence & RANGE[p];
            int count = Integer.bitCount(inRange);
            if (count >= 2 || (count == 1 && (leaves & inRange) == 0)) {
                mask |= 1 << p;
            }
        }
        return mask;
    }

    private static int rank(int mask, int bit) {
        return Integer.bitCount(mask & ((1 << bit) - 1));
    }

    /** Where the value of heap position q lives: (source << 32) | offset. */
    private long locate(int q) {
        if (q >= 16) {
            int n = q - 16;
            return (existence & (1 << n)) == 0
                    ? (long) SOURCE_PLACEHOLDER << 32
                    : ((long) SOURCE_CHILD << 32) | (long) rank(existence, n) * JmtHasher.HASH_LENGTH;
        }
        if ((hashedMask & (1 << q)) != 0) {
            return ((long) SOURCE_CACHE << 32) | (long) rank(hashedMask, q) * JmtHasher.HASH_LENGTH;
        }
        int inRange = existence & RANGE[q];
        if (inRange == 0) {
            return (long) SOURCE_PLACEHOLDER << 32;
        }
        // A lone leaf: the range's value is the leaf's own hash.
        return ((long) SOURCE_CHILD << 32)
                | (long) rank(existence, Integer.numberOfTrailingZeros(inRange)) * JmtHasher.HASH_LENGTH;
    }

    private byte[] source(long located, byte[] cache) {
        return switch ((int) (located >>> 32)) {
            case SOURCE_PLACEHOLDER -> JmtHasher.PLACEHOLDER;
            case SOURCE_CHILD -> childHashes;
            default -> cache;
        };
    }

    /** Copies the value of heap position q (1..31) into {@code out}. */
    void positionValue(int q, byte[] out, int offset) {
        long loc = locate(q);
        System.arraycopy(source(loc, subHashes()), (int) loc, out, offset, JmtHasher.HASH_LENGTH);
    }

    /** Whether heap position p (1..15) is an internal binary node. */
    boolean isHashed(int p) {
        return (hashedMask & (1 << p)) != 0;
    }

    /** The children covered by heap position p. */
    int childrenIn(int p) {
        return existence & RANGE[p];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InternalNode n && n.existence == existence && n.leaves == leaves
                && Arrays.equals(n.versions, versions) && Arrays.equals(n.leafCounts, leafCounts)
                && Arrays.equals(n.childHashes, childHashes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(childHashes) * 31 + existence;
    }

    @Override
    public String toString() {
        return "Internal" + children();
    }
}
