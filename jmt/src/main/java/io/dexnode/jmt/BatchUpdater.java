package io.dexnode.jmt;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;

/**
 * Writes one version: applies a whole batch of updates in a single descent of the tree.
 *
 * <p>The updates are sorted by key hash and deduplicated (last write wins), so every subtree the
 * batch touches corresponds to one contiguous range of them. The descent splits that range by
 * nibble and visits each touched node exactly once: shared upper nodes are read once, rewritten
 * once and rehashed once per batch, and only the binary positions above changed children are
 * rehashed (see {@link InternalNode}). Deletions and the collapse of a lone leaf into its parent's
 * place are handled on the way back up. The result is the canonical tree of spec §2.2, so it
 * equals applying the updates one at a time.
 *
 * <p>Per depth one reusable {@link Frame} assembles the node being rebuilt; nothing is allocated
 * per update except the new nodes, their keys, the stale-index entries and the value hashes.
 * One instance serves one call.
 */
final class BatchUpdater {
    private static final int UNCHANGED = 0;
    private static final int EMPTY = 1;
    private static final int LEAF = 2;
    private static final int INTERNAL = 3;
    private static final int HASH = JmtHasher.HASH_LENGTH;
    private static final Comparator<ValueUpdate> BY_KEY = Comparator.comparing(ValueUpdate::keyHash);

    private final TreeReader reader;
    private final long version;
    private final JmtHasher hasher;
    private final KeyHash[] keys;
    private final byte[][] values;
    private final byte[][] valueHashes;
    private final int[] putsBefore;
    private final TreeUpdateBatch batch;
    private final Frame[] frames = new Frame[KeyHash.NIBBLES + 1];

    BatchUpdater(TreeReader reader, long version, Collection<ValueUpdate> updates, JmtHasher hasher) {
        this.reader = reader;
        this.version = version;
        this.hasher = hasher;
        ValueUpdate[] sorted = updates.toArray(new ValueUpdate[0]);
        Arrays.sort(sorted, BY_KEY); // stable: equal keys keep their order, so the last one wins
        int m = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 < sorted.length && sorted[i + 1].keyHash().equals(sorted[i].keyHash())) {
                continue;
            }
            sorted[m++] = sorted[i];
        }
        keys = new KeyHash[m];
        values = new byte[m][];
        valueHashes = new byte[m][];
        putsBefore = new int[m + 1];
        for (int i = 0; i < m; i++) {
            keys[i] = sorted[i].keyHash();
            values[i] = sorted[i].value();
            if (values[i] != null) {
                byte[] vh = new byte[HASH];
                hasher.sha256(values[i], 0, values[i].length, vh, 0);
                valueHashes[i] = vh;
            }
            putsBefore[i + 1] = putsBefore[i] + (values[i] != null ? 1 : 0);
        }
        batch = new TreeUpdateBatch(version, keys, values);
    }

    TreeUpdateResult run() {
        NodeKey oldRootKey = NodeKey.root(version - 1);
        Node oldRoot = reader.getNode(oldRootKey);
        if (oldRoot == null) {
            // Version 0 (and the pre-genesis version u64::MAX) may start from the empty tree.
            if (version != 0 && version != -1L) {
                throw new MissingRootException(version - 1);
            }
            oldRootKey = null;
        }
        if (reader.getNode(NodeKey.root(version)) != null) {
            throw new JmtException("version " + Long.toUnsignedString(version) + " is already written");
        }
        byte[] oldRootHash = oldRoot instanceof LeafNode ? oldRoot.hash() : null;
        int kind = update(0, oldRoot, oldRootKey, oldRootHash, 0, 0, keys.length);
        Frame top = frame(0);
        NodeKey rootKey = NodeKey.root(version);
        byte[] rootHash;
        switch (kind) {
            case UNCHANGED -> {
                // A version that changes nothing still gets a root: the previous one, copied.
                Node same = oldRoot == null ? NullNode.INSTANCE : oldRoot;
                batch.addNode(rootKey, same);
                if (oldRootKey != null) {
                    batch.addStale(oldRootKey, same instanceof LeafNode);
                }
                rootHash = same.hash();
            }
            case EMPTY -> {
                batch.addNode(rootKey, NullNode.INSTANCE);
                rootHash = JmtHasher.placeholder();
            }
            case LEAF -> {
                batch.addNode(rootKey, top.leaf);
                rootHash = top.hash.clone();
            }
            case INTERNAL -> rootHash = top.hash.clone();
            default -> throw new IllegalStateException("unknown result kind " + kind);
        }
        return new TreeUpdateResult(rootHash, batch);
    }

    private Frame frame(int depth) {
        Frame f = frames[depth];
        if (f == null) {
            f = new Frame();
            frames[depth] = f;
        }
        return f;
    }

    private int puts(int lo, int hi) {
        return putsBefore[hi] - putsBefore[lo];
    }

    /**
     * Applies updates [lo, hi) to the subtree at nibble depth {@code d} whose node is {@code old}
     * (null: the slot is empty), stored under {@code oldKey}; {@code oldHash[oldHashOffset..]} is
     * old's hash as its parent records it (needed when an old leaf is carried down). The result
     * is left in {@code frame(d)}.
     */
    private int update(int d, Node old, NodeKey oldKey, byte[] oldHash, int oldHashOffset, int lo, int hi) {
        return switch (old) {
            case null -> puts(lo, hi) == 0 ? UNCHANGED : build(d, lo, hi, null, null, 0);
            case NullNode n -> {
                if (puts(lo, hi) == 0) {
                    yield UNCHANGED;
                }
                batch.addStale(oldKey, false);
                yield build(d, lo, hi, null, null, 0);
            }
            case LeafNode leaf -> updateLeaf(d, leaf, oldKey, oldHash, oldHashOffset, lo, hi);
            case InternalNode node -> updateInternal(d, node, oldKey, lo, hi);
        };
    }

    private int updateLeaf(int d, LeafNode leaf, NodeKey oldKey, byte[] oldHash, int oldHashOffset, int lo, int hi) {
        if (Arrays.binarySearch(keys, lo, hi, leaf.keyHash()) >= 0) {
            // The leaf's own key is updated or deleted: rebuild from the puts alone.
            batch.addStale(oldKey, true);
            return build(d, lo, hi, null, null, 0);
        }
        if (puts(lo, hi) == 0) {
            return UNCHANGED; // only deletions of absent keys
        }
        // New keys land next to this leaf: it moves down, rewritten at this version.
        batch.addStale(oldKey, true);
        return build(d, lo, hi, leaf, oldHash, oldHashOffset);
    }

    private int updateInternal(int d, InternalNode node, NodeKey oldKey, int lo, int hi) {
        Frame f = frame(d);
        f.load(node);
        int i = lo;
        while (i < hi) {
            int n = keys[i].nibble(d);
            int j = i + 1;
            while (j < hi && keys[j].nibble(d) == n) {
                j++;
            }
            int kind;
            if (node.hasChild(n)) {
                NodeKey childKey = new NodeKey(f.versions[n], NibblePath.prefixOf(keys[i], d + 1));
                Node child = reader.getNode(childKey);
                if (child == null) {
                    throw new MissingNodeException(childKey);
                }
                kind = update(d + 1, child, childKey, f.hashes, n * HASH, i, j);
            } else {
                kind = puts(i, j) == 0 ? UNCHANGED : build(d + 1, i, j, null, null, 0);
            }
            f.apply(n, kind, frames[d + 1], version);
            i = j;
        }
        if (f.changed == 0) {
            return UNCHANGED;
        }
        batch.addStale(oldKey, false);
        return finish(d, f, node, keys[lo]);
    }

    /**
     * Builds the subtree at depth {@code d} from nothing: the puts among [lo, hi) plus, if not
     * null, an existing leaf being carried down (its hash at {@code carriedHash[offset..]}).
     */
    private int build(int d, int lo, int hi, LeafNode carried, byte[] carriedHash, int carriedOffset) {
        int total = puts(lo, hi) + (carried != null ? 1 : 0);
        Frame r = frame(d);
        if (total == 0) {
            return EMPTY;
        }
        if (total == 1) {
            if (carried != null) {
                r.leaf = carried;
                System.arraycopy(carriedHash, carriedOffset, r.hash, 0, HASH);
            } else {
                int k = lo;
                while (values[k] == null) {
                    k++;
                }
                r.leaf = LeafNode.owning(keys[k], valueHashes[k]);
                hasher.leafHash(keys[k], valueHashes[k], 0, r.hash, 0);
            }
            return LEAF;
        }
        r.clear();
        KeyHash pathKey = lo < hi ? keys[lo] : carried.keyHash();
        int carriedNibble = carried != null ? carried.keyHash().nibble(d) : -1;
        int i = lo;
        for (int n = 0; n < 16; n++) {
            int j = i;
            while (j < hi && keys[j].nibble(d) == n) {
                j++;
            }
            boolean withCarried = carriedNibble == n;
            if (j > i || withCarried) {
                int kind = build(d + 1, i, j, withCarried ? carried : null, carriedHash, carriedOffset);
                r.apply(n, kind, frames[d + 1], version);
            }
            i = j;
        }
        return finish(d, r, null, pathKey);
    }

    /**
     * Turns the assembled children of the node at depth {@code d} into the node's result: nothing
     * left, a lone leaf that rises to the parent's slot, or a new internal node (written here,
     * together with the new leaves directly below it).
     */
    private int finish(int d, Frame f, InternalNode previous, KeyHash pathKey) {
        int count = Integer.bitCount(f.existence);
        if (count == 0) {
            return EMPTY;
        }
        if (count == 1 && f.leaves == f.existence) {
            int n = Integer.numberOfTrailingZeros(f.existence);
            LeafNode leaf = f.pending[n];
            if (leaf == null) {
                // An untouched leaf whose siblings all went: it moves up, so its old key is stale.
                NodeKey leafKey = new NodeKey(f.versions[n], NibblePath.childOf(pathKey, d, n));
                if (!(reader.getNode(leafKey) instanceof LeafNode stored)) {
                    throw new MissingNodeException(leafKey);
                }
                leaf = stored;
                batch.addStale(leafKey, true);
            }
            f.pending[n] = null;
            f.leaf = leaf;
            System.arraycopy(f.hashes, n * HASH, f.hash, 0, HASH);
            return LEAF;
        }
        for (int bits = f.changed & f.leaves & f.existence; bits != 0; bits &= bits - 1) {
            int n = Integer.numberOfTrailingZeros(bits);
            LeafNode leaf = f.pending[n];
            if (leaf != null) {
                batch.addNode(new NodeKey(version, NibblePath.childOf(pathKey, d, n)), leaf);
                f.pending[n] = null;
            }
        }
        InternalNode node = f.toNode();
        node.buildSubHashes(previous, f.changed, hasher);
        batch.addNode(new NodeKey(version, NibblePath.prefixOf(pathKey, d)), node);
        System.arraycopy(node.subHashes(), 0, f.hash, 0, HASH);
        f.leafCount = node.leafCount();
        return INTERNAL;
    }

    /**
     * Scratch for one depth: the 16 child slots of the node being rebuilt there (expanded from
     * the compact form), and the result that depth hands to its parent.
     */
    static final class Frame {
        int existence;
        int leaves;
        int changed;
        final long[] versions = new long[16];
        final long[] leafCounts = new long[16];
        final byte[] hashes = new byte[16 * HASH];
        final LeafNode[] pending = new LeafNode[16];

        final byte[] hash = new byte[HASH];
        long leafCount;
        LeafNode leaf;

        void clear() {
            existence = 0;
            leaves = 0;
            changed = 0;
            Arrays.fill(pending, null);
        }

        void load(InternalNode node) {
            clear();
            existence = node.existenceBitmap();
            leaves = node.leafBitmap();
            long[] v = node.versionsRef();
            long[] c = node.leafCountsRef();
            byte[] h = node.childHashesRef();
            int rank = 0;
            for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
                int n = Integer.numberOfTrailingZeros(bits);
                versions[n] = v[rank];
                leafCounts[n] = c[rank];
                System.arraycopy(h, rank * HASH, hashes, n * HASH, HASH);
            }
        }

        /** Records what happened to child {@code n}, whose result is in {@code child}. */
        void apply(int n, int kind, Frame child, long version) {
            int bit = 1 << n;
            switch (kind) {
                case UNCHANGED -> {}
                case EMPTY -> {
                    if ((existence & bit) != 0) {
                        changed |= bit;
                    }
                    existence &= ~bit;
                    leaves &= ~bit;
                    pending[n] = null;
                }
                case LEAF -> {
                    existence |= bit;
                    leaves |= bit;
                    changed |= bit;
                    versions[n] = version;
                    leafCounts[n] = 1;
                    System.arraycopy(child.hash, 0, hashes, n * HASH, HASH);
                    pending[n] = child.leaf;
                }
                case INTERNAL -> {
                    existence |= bit;
                    leaves &= ~bit;
                    changed |= bit;
                    versions[n] = version;
                    leafCounts[n] = child.leafCount;
                    System.arraycopy(child.hash, 0, hashes, n * HASH, HASH);
                    pending[n] = null;
                }
                default -> throw new IllegalStateException("unknown result kind " + kind);
            }
        }

        InternalNode toNode() {
            int count = Integer.bitCount(existence);
            long[] v = new long[count];
            long[] c = new long[count];
            byte[] h = new byte[count * HASH];
            int rank = 0;
            for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
                int n = Integer.numberOfTrailingZeros(bits);
                v[rank] = versions[n];
                c[rank] = leafCounts[n];
                System.arraycopy(hashes, n * HASH, h, rank * HASH, HASH);
            }
            return new InternalNode(existence, leaves, v, c, h);
        }
    }
}
