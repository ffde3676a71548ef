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
    private static final int SOURCE_HASHES = 1;
    private static final int HASH = JmtHasher.HASH_LENGTH;

    private final int existence;
    private final int leaves;
    /** Per child by rank: versions in [0, n), leaf counts in [n, 2n). */
    private final long[] meta;
    /**
     * Child hashes by rank in [0, 32n), then the cache: the hashes of the hashed positions in
     * heap order, so [32n, 32n + 32) is this node's own hash.
     */
    private final byte[] hashes;
    private final long leafCount;
    private final int hashedMask;
    private final int cacheOffset;
    /** Whether the cache part of {@link #hashes} is filled (false after decoding until first use). */
    private volatile boolean cacheReady;
    /**
     * Resolved children by rank, for readers whose nodes stay resident: a transient shortcut
     * around the store, never persisted, never compared. Races only ever write the same object.
     */
    private Node[] links;

    /**
     * A node from compact arrays, taken over without copying: {@code meta} holds the n child
     * versions then the n leaf counts (1 for a leaf child, at least 2 for an internal one);
     * {@code hashes} holds the n child hashes and room for the cache
     * ({@link #hashArrayLength}).
     */
    InternalNode(int existence, int leaves, long[] meta, byte[] hashes) {
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
        int mask = hashedPositions(existence, leaves);
        if (meta.length != 2 * count || hashes.length != (count + Integer.bitCount(mask)) * HASH) {
            throw new IllegalArgumentException("child arrays do not match the " + count + " children of the bitmap");
        }
        long total = 0;
        for (int rank = 0, bits = existence; bits != 0; rank++, bits &= bits - 1) {
            boolean leaf = (leaves & Integer.lowestOneBit(bits)) != 0;
            long c = meta[count + rank];
            if (leaf ? c != 1 : c < 2) {
                throw new IllegalArgumentException("child " + Integer.numberOfTrailingZeros(bits)
                        + " has leaf count " + c + " for a " + (leaf ? "leaf" : "internal node"));
            }
            total = Math.addExact(total, c);
        }
        this.existence = existence;
        this.leaves = leaves;
        this.meta = meta;
        this.hashes = hashes;
        this.leafCount = total;
        this.hashedMask = mask;
        this.cacheOffset = count * HASH;
    }

    /**
     * A node with the same bitmaps as {@code shape} (so the same hashed positions), from arrays
     * the tree patched from that node's; {@code leafCount} is the caller's recount. Skips the
     * validation of the public path: bitmaps and array sizes are those of a valid node.
     */
    InternalNode(InternalNode shape, long[] meta, byte[] hashes, long leafCount) {
        this.existence = shape.existence;
        this.leaves = shape.leaves;
        this.meta = meta;
        this.hashes = hashes;
        this.leafCount = leafCount;
        this.hashedMask = shape.hashedMask;
        this.cacheOffset = shape.cacheOffset;
    }

    /** The length of the {@code hashes} array of a node with these bitmaps. */
    static int hashArrayLength(int existence, int leaves) {
        return (Integer.bitCount(existence) + Integer.bitCount(hashedPositions(existence, leaves))) * HASH;
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
        for (Child c : sorted) {
            if ((existence & (1 << c.nibble())) != 0) {
                throw new IllegalArgumentException("two children at nibble " + c.nibble());
            }
            existence |= 1 << c.nibble();
            if (c.isLeaf()) {
                leaves |= 1 << c.nibble();
            }
        }
        int n = sorted.length;
        long[] meta = new long[2 * n];
        byte[] hashes = new byte[hashArrayLength(existence, leaves)];
        for (int i = 0; i < n; i++) {
            meta[i] = sorted[i].version();
            meta[n + i] = sorted[i].leafCount();
            System.arraycopy(sorted[i].hash, 0, hashes, i * HASH, HASH);
        }
        return new InternalNode(existence, leaves, meta, hashes);
    }

    /** The children in nibble order. */
    public List<Child> children() {
        int count = childCount();
        List<Child> out = new ArrayList<>(count);
        for (int rank = 0, bits = existence; bits != 0; rank++, bits &= bits - 1) {
            int n = Integer.numberOfTrailingZeros(bits);
            out.add(new Child(n, meta[rank], childHash(n), (leaves & (1 << n)) != 0, meta[count + rank]));
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
        return meta.length >>> 1;
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
        return meta[rankOf(nibble)];
    }

    /** The leaf count of the child under {@code nibble}. */
    public long childLeafCount(int nibble) {
        return meta[childCount() + rankOf(nibble)];
    }

    /** A copy of the hash of the child under {@code nibble}. */
    public byte[] childHash(int nibble) {
        int off = rankOf(nibble) * HASH;
        return Arrays.copyOfRange(hashes, off, off + HASH);
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
        byte[] h = hashesWithCache();
        return Arrays.copyOfRange(h, cacheOffset, cacheOffset + HASH);
    }

    // ---- package-private access for the tree, the codec and proofs (no copies) ----

    /** Versions by rank in [0, n), leaf counts by rank in [n, 2n). */
    long[] metaRef() {
        return meta;
    }

    /** Child hashes by rank in [0, 32n); the cache after that (see {@link #hashesWithCache()}). */
    byte[] hashesRef() {
        return hashes;
    }

    /** Where this node's own hash starts in {@link #hashesWithCache()}. */
    int ownHashOffset() {
        return cacheOffset;
    }

    /** The hashes array with the cache filled, computing it in full on first use (e.g. after decoding). */
    byte[] hashesWithCache() {
        if (!cacheReady) {
            fillCache(null, 0xFFFF, JmtHasher.local());
        }
        return hashes;
    }

    /**
     * Fills the cache of this new node, copying from {@code previous} every position whose child
     * range holds none of the {@code changedChildren} (their content is then identical) and
     * hashing the rest bottom-up. {@code previous} null means hash everything.
     */
    void buildCache(InternalNode previous, int changedChildren, JmtHasher hasher) {
        fillCache(previous, changedChildren, hasher);
    }

    /**
     * For a node cloned from a predecessor with the same bitmaps (so the cache layout is the same
     * and the cloned cache is valid wherever no child changed): rehashes, in place, exactly the
     * positions above the {@code changedChildren}.
     */
    void refreshCache(int changedChildren, JmtHasher hasher) {
        for (int p = 15; p >= 1; p--) {
            if ((hashedMask & (1 << p)) != 0 && (RANGE[p] & changedChildren) != 0) {
                long l = locate(2 * p);
                long r = locate(2 * p + 1);
                hasher.internalHash(source(l), (int) l, source(r), (int) r, hashes, cacheOffset + rank(hashedMask, p) * HASH);
            }
        }
        cacheReady = true;
    }

    /**
     * The child under {@code nibble} if this node holds it as an object (a tree over a reader whose
     * nodes stay resident links parents to children), else null — also when there is no such child.
     */
    public Node residentChild(int nibble) {
        Node[] l = links;
        return l == null || !hasChild(nibble) ? null : l[rank(nibble)];
    }

    /** The resolved child at {@code rank}, or null when not linked. */
    Node linkedChild(int rank) {
        Node[] l = links;
        return l == null ? null : l[rank];
    }

    /** Makes sure the links array exists, so that threads linking distinct children never race to create it. */
    void ensureLinks() {
        if (links == null) {
            links = new Node[childCount()];
        }
    }

    Node[] linksRef() {
        return links;
    }

    void setLinks(Node[] resolved) {
        links = resolved;
    }

    /** Remembers the resolved child at {@code rank}. */
    void link(int rank, Node child) {
        Node[] l = links;
        if (l == null) {
            l = new Node[childCount()];
            links = l;
        }
        l[rank] = child;
    }

    /** The rank (index among existing children) of child {@code nibble}, which must exist. */
    int rank(int nibble) {
        return Integer.bitCount(existence & ((1 << nibble) - 1));
    }

    private void fillCache(InternalNode previous, int changed, JmtHasher hasher) {
        byte[] old = previous == null ? null : previous.hashesWithCache();
        for (int p = 15; p >= 1; p--) {
            if ((hashedMask & (1 << p)) == 0) {
                continue;
            }
            int dst = cacheOffset + rank(hashedMask, p) * HASH;
            if (old != null && (RANGE[p] & changed) == 0) {
                System.arraycopy(old, previous.cacheOffset + rank(previous.hashedMask, p) * HASH, hashes, dst, HASH);
                continue;
            }
            long l = locate(2 * p);
            long r = locate(2 * p + 1);
            hasher.internalHash(source(l), (int) l, source(r), (int) r, hashes, dst);
        }
        // Publishes the filled cache: readers that see true see every byte written above.
        cacheReady = true;
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

    /** Where the value of heap position q lives in {@link #hashes} (or the placeholder): (source << 32) | offset. */
    private long locate(int q) {
        if (q >= 16) {
            int n = q - 16;
            return (existence & (1 << n)) == 0
                    ? (long) SOURCE_PLACEHOLDER << 32
                    : ((long) SOURCE_HASHES << 32) | (long) rank(existence, n) * HASH;
        }
        if ((hashedMask & (1 << q)) != 0) {
            return ((long) SOURCE_HASHES << 32) | (cacheOffset + (long) rank(hashedMask, q) * HASH);
        }
        int inRange = existence & RANGE[q];
        if (inRange == 0) {
            return (long) SOURCE_PLACEHOLDER << 32;
        }
        // A lone leaf: the range's value is the leaf's own hash.
        return ((long) SOURCE_HASHES << 32) | (long) rank(existence, Integer.numberOfTrailingZeros(inRange)) * HASH;
    }

    private byte[] source(long located) {
        return (int) (located >>> 32) == SOURCE_PLACEHOLDER ? JmtHasher.PLACEHOLDER : hashes;
    }

    /** Copies the value of heap position q (1..31) into {@code out}. */
    void positionValue(int q, byte[] out, int offset) {
        hashesWithCache();
        long loc = locate(q);
        System.arraycopy(source(loc), (int) loc, out, offset, HASH);
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
                && Arrays.equals(n.meta, meta) && Arrays.equals(n.hashes, 0, cacheOffset, hashes, 0, cacheOffset);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(meta) * 31 + existence;
    }

    @Override
    public String toString() {
        return "Internal" + children();
    }
}
