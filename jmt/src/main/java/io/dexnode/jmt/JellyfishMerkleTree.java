package io.dexnode.jmt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The Jellyfish Merkle Tree over a {@link TreeReader}, byte-compatible with the Rust crate
 * {@code jmt} 0.12 (penumbra-zone) with SHA-256: the same roots, the same proofs.
 *
 * <p>Writing is versioned and side-effect free: {@link #putValueSet} computes version v from the
 * root of v-1 and returns the new root with a {@link TreeUpdateBatch}, writing nothing; the caller
 * persists the batch atomically. Versions are contiguous u64 values (compared unsigned); version 0
 * starts from the empty tree. Reads and proofs work at any version whose root is still stored.
 *
 * <p>The tree holds no mutable state of its own. Reads may run concurrently with each other and
 * with a {@code putValueSet} as far as the reader allows; only one writer may run at a time.
 */
public final class JellyfishMerkleTree {
    private final TreeReader reader;

    /** A tree over {@code reader}. */
    public JellyfishMerkleTree(TreeReader reader) {
        if (reader == null) {
            throw new IllegalArgumentException("a tree needs a reader");
        }
        this.reader = reader;
    }

    /** The root of the empty tree: the placeholder (a fresh copy). */
    public static byte[] emptyRootHash() {
        return JmtHasher.placeholder();
    }

    /**
     * Computes version {@code version} by applying {@code updates} to version {@code version - 1}
     * (or to the empty tree for version 0). The last update to a key wins; deleting an absent key
     * does nothing; a version that changes nothing keeps the previous root. Nothing is written.
     *
     * @throws MissingRootException if version - 1 has no root (not written, or pruned)
     * @throws JmtException if {@code version} is already written
     */
    public TreeUpdateResult putValueSet(long version, Collection<ValueUpdate> updates) {
        return new BatchUpdater(reader, version, updates, JmtHasher.local()).run();
    }

    /**
     * As {@link #putValueSet(long, Collection)}, with a helper thread for large batches over a
     * reader whose nodes stay resident: the value hashes and half of the root's subtrees are
     * computed there while the caller does the rest. The result is the same as without it. The
     * reader must then allow concurrent {@link TreeReader#getNode} calls.
     *
     * @param helper runs one task at a time for this call (a single-thread executor is enough); null: none
     */
    public TreeUpdateResult putValueSet(long version, Collection<ValueUpdate> updates, java.util.concurrent.Executor helper) {
        return new BatchUpdater(reader, version, updates, JmtHasher.local(), helper).run();
    }

    /** The root hash of {@code version}. */
    public byte[] rootHash(long version) {
        return rootNode(version).hash();
    }

    /** The number of live keys at {@code version}. */
    public long leafCount(long version) {
        return rootNode(version).leafCount();
    }

    /** The root node of {@code version}; throws {@link MissingRootException} when absent. */
    public Node rootNode(long version) {
        Node root = reader.getNode(NodeKey.root(version));
        if (root == null) {
            throw new MissingRootException(version);
        }
        return root;
    }

    /**
     * The value of {@code keyHash} at {@code version}, or null when absent. Reads the value store
     * directly (no tree walk), after checking that the version is still readable.
     */
    public byte[] get(KeyHash keyHash, long version) {
        rootNode(version);
        return reader.getValue(version, keyHash);
    }

    /** The value of {@code keyHash} at {@code version} (null when absent) with its proof. */
    public ValueWithProof getWithProof(KeyHash keyHash, long version) {
        Node node = rootNode(version);
        List<SparseMerkleProof.Sibling> topDown = new ArrayList<>();
        LeafNode leaf = null;
        int depth = 0;
        walk:
        while (true) {
            switch (node) {
                case NullNode n -> {
                    break walk;
                }
                case LeafNode l -> {
                    leaf = l;
                    break walk;
                }
                case InternalNode in -> {
                    int nibble = keyHash.nibble(depth);
                    int p = 1;
                    for (int level = 0; level < 4; level++) {
                        int b = (nibble >>> (3 - level)) & 1;
                        topDown.add(sibling(in, 2 * p + 1 - b, keyHash, depth));
                        p = 2 * p + b;
                        if (p < 16 && !in.isHashed(p)) {
                            // This binary subtree holds no key or a single leaf: the walk ends.
                            int inRange = in.childrenIn(p);
                            if (inRange != 0) {
                                leaf = leafChild(in, Integer.numberOfTrailingZeros(inRange), keyHash, depth);
                            }
                            break walk;
                        }
                    }
                    int n = p - 16;
                    if (!in.hasChild(n)) {
                        break walk;
                    }
                    if (in.isLeafChild(n)) {
                        leaf = leafChild(in, n, keyHash, depth);
                        break walk;
                    }
                    node = child(in, n, keyHash, depth);
                    depth++;
                }
            }
        }
        Collections.reverse(topDown);
        SparseMerkleProof proof = new SparseMerkleProof(leaf, topDown);
        byte[] value = null;
        if (leaf != null && leaf.hasKey(keyHash)) {
            value = reader.getValue(version, keyHash);
            if (value == null) {
                throw new JmtException("key " + keyHash + " is live at version " + Long.toUnsignedString(version)
                        + " but the value store has no value for it");
            }
        }
        return new ValueWithProof(value, proof);
    }

    /**
     * The value of {@code keyHash} with its proof, or, when absent, its neighbours in key-hash
     * order with theirs (spec §3.4) — what an ICS23 non-existence proof is made of.
     *
     * @throws JmtException for the empty tree, where no such proof exists
     */
    public ExclusionProof getWithExclusionProof(KeyHash keyHash, long version) {
        ValueWithProof direct = getWithProof(keyHash, version);
        if (direct.exists()) {
            return new ExclusionProof.Present(direct.value(), direct.proof());
        }
        Node root = rootNode(version);
        if (root instanceof NullNode) {
            throw new JmtException("cannot build a non-existence proof by exclusion for the empty tree (version "
                    + Long.toUnsignedString(version) + ")");
        }
        KeyHash left = predecessor(root, NibblePath.EMPTY, keyHash);
        KeyHash right = successor(root, NibblePath.EMPTY, keyHash);
        return new ExclusionProof.Absent(neighbour(left, version), neighbour(right, version));
    }

    private ExclusionProof.Neighbour neighbour(KeyHash keyHash, long version) {
        if (keyHash == null) {
            return null;
        }
        ValueWithProof p = getWithProof(keyHash, version);
        return new ExclusionProof.Neighbour(keyHash, p.value(), p.proof());
    }

    /** The greatest live key hash below {@code target} in the subtree at {@code path} (a prefix of target). */
    private KeyHash predecessor(Node node, NibblePath path, KeyHash target) {
        return switch (node) {
            case NullNode n -> null;
            case LeafNode l -> l.compareKeyTo(target) < 0 ? l.keyHash() : null;
            case InternalNode in -> {
                int nibble = target.nibble(path.length());
                if (in.hasChild(nibble)) {
                    KeyHash k = predecessor(child(in, nibble, path), path.child(nibble), target);
                    if (k != null) {
                        yield k;
                    }
                }
                int lower = in.existenceBitmap() & ((1 << nibble) - 1);
                if (lower == 0) {
                    yield null;
                }
                int m = 31 - Integer.numberOfLeadingZeros(lower);
                yield extreme(child(in, m, path), path.child(m), true);
            }
        };
    }

    /** The smallest live key hash above {@code target} in the subtree at {@code path}. */
    private KeyHash successor(Node node, NibblePath path, KeyHash target) {
        return switch (node) {
            case NullNode n -> null;
            case LeafNode l -> l.compareKeyTo(target) > 0 ? l.keyHash() : null;
            case InternalNode in -> {
                int nibble = target.nibble(path.length());
                if (in.hasChild(nibble)) {
                    KeyHash k = successor(child(in, nibble, path), path.child(nibble), target);
                    if (k != null) {
                        yield k;
                    }
                }
                int higher = in.existenceBitmap() & ~((2 << nibble) - 1) & 0xFFFF;
                if (higher == 0) {
                    yield null;
                }
                int m = Integer.numberOfTrailingZeros(higher);
                yield extreme(child(in, m, path), path.child(m), false);
            }
        };
    }

    /** The greatest ({@code max}) or smallest key hash in a non-empty subtree. */
    private KeyHash extreme(Node node, NibblePath path, boolean max) {
        while (true) {
            switch (node) {
                case LeafNode l -> {
                    return l.keyHash();
                }
                case InternalNode in -> {
                    int bits = in.existenceBitmap();
                    int n = max ? 31 - Integer.numberOfLeadingZeros(bits) : Integer.numberOfTrailingZeros(bits);
                    node = child(in, n, path);
                    path = path.child(n);
                }
                case NullNode n -> throw new JmtException("a null node below the root at " + path);
            }
        }
    }

    private Node child(InternalNode in, int n, NibblePath parentPath) {
        return read(new NodeKey(in.childVersion(n), parentPath.child(n)));
    }

    private Node child(InternalNode in, int n, KeyHash pathKey, int depth) {
        return read(new NodeKey(in.childVersion(n), NibblePath.childOf(pathKey, depth, n)));
    }

    private LeafNode leafChild(InternalNode in, int n, KeyHash pathKey, int depth) {
        NodeKey key = new NodeKey(in.childVersion(n), NibblePath.childOf(pathKey, depth, n));
        if (!(read(key) instanceof LeafNode leaf)) {
            throw new JmtException("node " + key + " is recorded as a leaf but is not one");
        }
        return leaf;
    }

    private Node read(NodeKey key) {
        Node node = reader.getNode(key);
        if (node == null) {
            throw new MissingNodeException(key);
        }
        return node;
    }

    /** The sibling subtree at heap position q of {@code in}, typed as the crate types it. */
    private SparseMerkleProof.Sibling sibling(InternalNode in, int q, KeyHash pathKey, int depth) {
        if (q >= 16) {
            int n = q - 16;
            if (!in.hasChild(n)) {
                return new SparseMerkleProof.Placeholder();
            }
            if (in.isLeafChild(n)) {
                LeafNode leaf = leafChild(in, n, pathKey, depth);
                return new SparseMerkleProof.LeafSibling(leaf.keyHash(), leaf.valueHash());
            }
            if (!(child(in, n, pathKey, depth) instanceof InternalNode c)) {
                throw new JmtException("child " + n + " at depth " + depth + " is recorded as internal but is not");
            }
            return halves(c, 1);
        }
        int inRange = in.childrenIn(q);
        if (inRange == 0) {
            return new SparseMerkleProof.Placeholder();
        }
        if (!in.isHashed(q)) {
            LeafNode leaf = leafChild(in, Integer.numberOfTrailingZeros(inRange), pathKey, depth);
            return new SparseMerkleProof.LeafSibling(leaf.keyHash(), leaf.valueHash());
        }
        return halves(in, q);
    }

    private static SparseMerkleProof.InternalSibling halves(InternalNode node, int p) {
        byte[] left = new byte[JmtHasher.HASH_LENGTH];
        byte[] right = new byte[JmtHasher.HASH_LENGTH];
        node.positionValue(2 * p, left, 0);
        node.positionValue(2 * p + 1, right, 0);
        return new SparseMerkleProof.InternalSibling(left, right);
    }
}
