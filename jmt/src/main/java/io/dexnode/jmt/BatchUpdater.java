package io.dexnode.jmt;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicIntegerArray;

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
 * <p>Per depth one reusable {@link Frame} records what changed below the node being rebuilt there;
 * the new node is the old one's arrays cloned and patched. Nothing is allocated per update except
 * the new nodes, their keys and the stale-index entries. One instance serves one call.
 */
final class BatchUpdater {
    private static final int UNCHANGED = 0;
    private static final int EMPTY = 1;
    private static final int LEAF = 2;
    private static final int INTERNAL = 3;
    private static final int HASH = JmtHasher.HASH_LENGTH;

    private final TreeReader reader;
    /** Whether parents may be linked to their children (the reader's nodes stay resident). */
    private final boolean link;
    private final long version;
    private final JmtHasher hasher;
    private final KeyHash[] keys;
    private final byte[][] values;
    /** Value hash of update i at [32i, 32i + 32) (puts only). */
    private final byte[] valueHashes;
    private final int[] putsBefore;
    private final TreeUpdateBatch batch;
    private final Frame[] frames = new Frame[KeyHash.NIBBLES + 2];
    /** Where part of a large batch runs (null: everything on the caller's thread). */
    private final Executor helper;

    /**
     * Batches at least this large over a linked tree split their work at the root: the root's
     * children are independent subtrees, shared between the caller and the helper thread
     * (see {@link #updateChildrenInParallel}). From 256 up the hand-over (tens of microseconds)
     * is small against the work (about a millisecond at 256 updates into a million keys);
     * batches of 1,000 gained 35 % in JMH when this went from 1,024 to 256 (docs/BENCHMARKS.md).
     */
    static final int PARALLEL_MIN = 256;

    /**
     * New nodes (and stale entries) a batch starts with room for, per update: a leaf and the
     * rewritten nodes above it — about 2.3 per update at 10,000 updates into a million keys, about
     * 3 at a block's few hundred — so that a batch's arrays rarely grow while it is built.
     */
    private static final int NODES_PER_UPDATE = 3;

    BatchUpdater(TreeReader reader, long version, Collection<ValueUpdate> updates, JmtHasher hasher) {
        this(reader, version, updates, hasher, null);
    }

    BatchUpdater(TreeReader reader, long version, Collection<ValueUpdate> updates, JmtHasher hasher, Executor helper) {
        this.reader = reader;
        this.link = reader.nodesStayResident();
        this.version = version;
        this.hasher = hasher;
        this.helper = helper != null && link ? helper : null;
        ValueUpdate[] given = updates.toArray(new ValueUpdate[0]);
        KeyHash[] hashes = new KeyHash[given.length];
        for (int i = 0; i < given.length; i++) {
            hashes[i] = given[i].keyHash();
        }
        // Stable: equal keys keep their order, so the last one wins below.
        int[] order = KeyHash.sortOrder(hashes);
        ValueUpdate[] sorted = new ValueUpdate[given.length];
        int m = 0;
        for (int i = 0; i < order.length; i++) {
            if (i + 1 < order.length && hashes[order[i + 1]].equals(hashes[order[i]])) {
                continue;
            }
            sorted[m++] = given[order[i]];
        }
        keys = new KeyHash[m];
        values = new byte[m][];
        valueHashes = new byte[m * HASH];
        putsBefore = new int[m + 1];
        for (int i = 0; i < m; i++) {
            keys[i] = sorted[i].keyHash();
            values[i] = sorted[i].value();
            putsBefore[i + 1] = putsBefore[i] + (values[i] != null ? 1 : 0);
        }
        if (this.helper != null && m >= PARALLEL_MIN) {
            int count = m;
            Future<Void> second = submit(() -> {
                hashValues(JmtHasher.local(), count / 2, count);
                return null;
            });
            hashValues(hasher, 0, count / 2);
            join(second);
        } else {
            hashValues(hasher, 0, m);
        }
        batch = new TreeUpdateBatch(version, keys, values, NODES_PER_UPDATE * m);
    }

    /** A helper-thread updater for some of {@code main}'s root children: the same updates, its own scratch and batch. */
    private BatchUpdater(BatchUpdater main, JmtHasher hasher) {
        this.reader = main.reader;
        this.link = main.link;
        this.version = main.version;
        this.hasher = hasher;
        this.helper = null;
        this.keys = main.keys;
        this.values = main.values;
        this.valueHashes = main.valueHashes;
        this.putsBefore = main.putsBefore;
        this.batch = new TreeUpdateBatch(version, keys, values, NODES_PER_UPDATE * keys.length / 2);
    }

    private void hashValues(JmtHasher h, int from, int to) {
        for (int i = from; i < to; i++) {
            if (values[i] != null) {
                h.sha256(values[i], 0, values[i].length, valueHashes, i * HASH);
            }
        }
    }

    private <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        helper.execute(f);
        return f;
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JmtException("interrupted while the helper thread updated the tree");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new JmtException("the helper thread failed: " + e.getCause());
        }
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
        int kind = update(0, oldRoot, version - 1, oldRootHash, 0, 0, keys.length);
        Frame top = frame(0);
        byte[] rootHash;
        switch (kind) {
            case UNCHANGED -> {
                // A version that changes nothing still gets a root: the previous one, copied.
                Node same = oldRoot == null ? NullNode.INSTANCE : oldRoot;
                batch.addNode(ROOT_PATH, ROOT_SPEC, same);
                if (oldRootKey != null) {
                    batch.addStale(oldRootKey.version(), ROOT_PATH, ROOT_SPEC, same instanceof LeafNode);
                }
                rootHash = same.hash();
            }
            case EMPTY -> {
                batch.addNode(ROOT_PATH, ROOT_SPEC, NullNode.INSTANCE);
                rootHash = JmtHasher.placeholder();
            }
            case LEAF -> {
                batch.addNode(ROOT_PATH, ROOT_SPEC, top.leaf);
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

    /** Files the node of {@code nodeVersion} at depth {@code d} above updates starting at {@code lo} as stale. */
    private void staleAt(long nodeVersion, int d, int lo, boolean leaf) {
        batch.addStale(nodeVersion, d == 0 ? ROOT_PATH : keys[lo], TreeUpdateBatch.spec(d, -1), leaf);
    }

    /** The path of a root: no nibbles (any key hash stands for it). */
    private static final KeyHash ROOT_PATH = KeyHash.ofWords(0, 0, 0, 0);
    private static final int ROOT_SPEC = TreeUpdateBatch.spec(0, -1);

    /**
     * Applies updates [lo, hi) to the subtree at nibble depth {@code d} whose node is {@code old}
     * (null: the slot is empty), written at {@code oldVersion}; {@code oldHash[oldHashOffset..]} is
     * old's hash as its parent records it (needed when an old leaf is carried down). The result
     * is left in {@code frame(d)}.
     */
    private int update(int d, Node old, long oldVersion, byte[] oldHash, int oldHashOffset, int lo, int hi) {
        return switch (old) {
            case null -> puts(lo, hi) == 0 ? UNCHANGED : build(d, lo, hi, null, null, 0);
            case NullNode n -> {
                if (puts(lo, hi) == 0) {
                    yield UNCHANGED;
                }
                staleAt(oldVersion, d, lo, false);
                yield build(d, lo, hi, null, null, 0);
            }
            case LeafNode leaf -> updateLeaf(d, leaf, oldVersion, oldHash, oldHashOffset, lo, hi);
            case InternalNode node -> updateInternal(d, node, oldVersion, lo, hi);
        };
    }

    private int updateLeaf(int d, LeafNode leaf, long oldVersion, byte[] oldHash, int oldHashOffset, int lo, int hi) {
        if (containsKeyOf(leaf, lo, hi)) {
            // The leaf's own key is updated or deleted: rebuild from the puts alone.
            staleAt(oldVersion, d, lo, true);
            return build(d, lo, hi, null, null, 0);
        }
        if (puts(lo, hi) == 0) {
            return UNCHANGED; // only deletions of absent keys
        }
        // New keys land next to this leaf: it moves down, rewritten at this version.
        staleAt(oldVersion, d, lo, true);
        return build(d, lo, hi, leaf, oldHash, oldHashOffset);
    }

    private boolean containsKeyOf(LeafNode leaf, int lo, int hi) {
        int a = lo;
        int b = hi - 1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            int c = leaf.compareKeyTo(keys[mid]);
            if (c == 0) {
                return true;
            }
            if (c > 0) {
                a = mid + 1;
            } else {
                b = mid - 1;
            }
        }
        return false;
    }

    private int updateInternal(int d, InternalNode node, long oldVersion, int lo, int hi) {
        Frame f = frame(d);
        f.load(node);
        if (d == 0 && helper != null && hi - lo >= PARALLEL_MIN) {
            updateChildrenInParallel(f, node, lo, hi);
        } else {
            int i = lo;
            while (i < hi) {
                int j = groupEnd(d, i, hi);
                f.apply(keys[i].nibble(d), updateChild(d, node, i, j), frame(d + 1), version);
                i = j;
            }
        }
        if (f.changed == 0) {
            return UNCHANGED;
        }
        staleAt(oldVersion, d, lo, false);
        return finish(d, f, keys[lo]);
    }

    /** The end of the run of updates from {@code i} that share nibble {@code d}. */
    private int groupEnd(int d, int i, int hi) {
        int n = keys[i].nibble(d);
        int j = i + 1;
        while (j < hi && keys[j].nibble(d) == n) {
            j++;
        }
        return j;
    }

    /** Applies updates [i, j) (one nibble at depth d) to {@code node}'s child there; the result is in frame(d + 1). */
    private int updateChild(int d, InternalNode node, int i, int j) {
        int n = keys[i].nibble(d);
        if (!node.hasChild(n)) {
            return puts(i, j) == 0 ? UNCHANGED : build(d + 1, i, j, null, null, 0);
        }
        int rank = node.rank(n);
        long childVersion = node.metaRef()[rank];
        Node child = link ? node.linkedChild(rank) : null;
        if (child == null) {
            NodeKey childKey = new NodeKey(childVersion, NibblePath.prefixOf(keys[i], d + 1));
            child = reader.getNode(childKey);
            if (child == null) {
                throw new MissingNodeException(childKey);
            }
            if (link) {
                node.link(rank, child);
            }
        }
        return update(d + 1, child, childVersion, node.hashesRef(), rank * HASH, i, j);
    }

    /**
     * The root's children shared between this thread and the helper: this thread claims groups
     * (one per root child touched) from the first up, the helper from the last down, until they
     * meet, so neither idles while the other still has a subtree to do. Each side works in its own
     * updater (scratch and batch) and marks where each group's nodes and stale entries lie in its
     * batch; the results are then applied, and the parts appended, in nibble order — the batch is
     * the one a single thread writes, whoever did which group.
     */
    private void updateChildrenInParallel(Frame f, InternalNode root, int lo, int hi) {
        int[] starts = new int[17];
        int groups = 0;
        for (int i = lo; i < hi; i = groupEnd(0, i, hi)) {
            starts[groups++] = i;
        }
        starts[groups] = hi;
        if (link) {
            root.ensureLinks(); // the two threads then link distinct slots of one array
        }
        int total = groups;
        AtomicIntegerArray claimed = new AtomicIntegerArray(total);
        GroupResult[] results = new GroupResult[total];
        Future<Void> theirs = submit(() -> {
            BatchUpdater other = new BatchUpdater(this, JmtHasher.local());
            for (int g = total - 1; g >= 0 && claimed.compareAndSet(g, 0, 1); g--) {
                results[g] = other.updateGroup(root, starts, g);
            }
            return null;
        });
        BatchUpdater mine = new BatchUpdater(this, hasher);
        int g = 0;
        while (g < total && claimed.compareAndSet(g, 0, 1)) {
            results[g] = mine.updateGroup(root, starts, g);
            g++;
        }
        if (g < total) {
            join(theirs); // the helper claimed groups g..total-1; when it claimed none it may still be queued
        }
        for (int k = 0; k < total; k++) {
            GroupResult r = results[k];
            f.apply(keys[starts[k]].nibble(0), r.result().kind, r.result(), version);
            batch.append(r.batch(), r.from(), r.to());
        }
    }

    /** One root child's result and where its nodes and stale entries lie in the batch of the updater that did it. */
    private record GroupResult(Frame result, TreeUpdateBatch batch, TreeUpdateBatch.Mark from, TreeUpdateBatch.Mark to) {}

    /** Updates the root child of group {@code g}; the result copied out of the reused frame. */
    private GroupResult updateGroup(InternalNode root, int[] starts, int g) {
        TreeUpdateBatch.Mark from = batch.mark();
        int kind = updateChild(0, root, starts[g], starts[g + 1]);
        return new GroupResult(frame(1).resultCopy(kind), batch, from, batch.mark());
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
                r.leaf = new LeafNode(keys[k], valueHashes, k * HASH);
                hasher.leafHash(r.leaf, r.hash, 0);
            }
            return LEAF;
        }
        r.clear();
        KeyHash pathKey = lo < hi ? keys[lo] : carried.keyHash();
        int carriedNibble = carried != null ? carried.keyNibble(d) : -1;
        int i = lo;
        for (int n = 0; n < 16; n++) {
            int j = i;
            while (j < hi && keys[j].nibble(d) == n) {
                j++;
            }
            boolean withCarried = carriedNibble == n;
            if (j > i || withCarried) {
                int kind = build(d + 1, i, j, withCarried ? carried : null, carriedHash, carriedOffset);
                r.apply(n, kind, frame(d + 1), version);
            }
            i = j;
        }
        return finish(d, r, pathKey);
    }

    /**
     * Turns the recorded children of the node at depth {@code d} into the node's result: nothing
     * left, a lone leaf that rises to the parent's slot, or a new internal node (written here,
     * together with the new leaves directly below it).
     */
    private int finish(int d, Frame f, KeyHash pathKey) {
        int count = Integer.bitCount(f.existence);
        if (count == 0) {
            return EMPTY;
        }
        if (count == 1 && f.leaves == f.existence) {
            int n = Integer.numberOfTrailingZeros(f.existence);
            if ((f.changed & (1 << n)) != 0) {
                f.leaf = f.pending[n];
                System.arraycopy(f.hashes, n * HASH, f.hash, 0, HASH);
            } else {
                // An untouched leaf whose siblings all went: it moves up, so its old key is stale.
                InternalNode base = f.base;
                int rank = base.rank(n);
                NodeKey leafKey = new NodeKey(base.metaRef()[rank], NibblePath.childOf(pathKey, d, n));
                Node linked = link ? base.linkedChild(rank) : null;
                if (!((linked != null ? linked : reader.getNode(leafKey)) instanceof LeafNode stored)) {
                    throw new MissingNodeException(leafKey);
                }
                batch.addStale(leafKey.version(), pathKey, TreeUpdateBatch.spec(d + 1, n), true);
                f.leaf = stored;
                System.arraycopy(base.hashesRef(), rank * HASH, f.hash, 0, HASH);
            }
            f.pending[n] = null;
            return LEAF;
        }
        for (int bits = f.changed & f.leaves; bits != 0; bits &= bits - 1) {
            int n = Integer.numberOfTrailingZeros(bits);
            batch.addNode(pathKey, TreeUpdateBatch.spec(d + 1, n), f.pending[n]);
            f.pending[n] = null;
        }
        InternalNode node = f.toNode(hasher, link);
        batch.addNode(d == 0 ? ROOT_PATH : pathKey, TreeUpdateBatch.spec(d, -1), node);
        System.arraycopy(node.hashesRef(), node.ownHashOffset(), f.hash, 0, HASH);
        f.leafCount = node.leafCount();
        f.node = node;
        return INTERNAL;
    }

    /**
     * Scratch for one depth: the node being rebuilt there ({@link #base}, null when built from
     * nothing), which of its child slots changed and how, and the result handed to the parent.
     * Unchanged children are never copied out of the base node.
     */
    static final class Frame {
        InternalNode base;
        int existence;
        int leaves;
        int changed;
        final long[] versions = new long[16];
        final long[] leafCounts = new long[16];
        final byte[] hashes = new byte[16 * HASH];
        final LeafNode[] pending = new LeafNode[16];
        /** The new node of each changed child (leaf or internal), for linking. */
        final Node[] newChildren = new Node[16];

        final byte[] hash = new byte[HASH];
        long leafCount;
        LeafNode leaf;
        InternalNode node;
        /** The result kind, in a copy made by {@link #resultCopy}. */
        int kind;

        /** A copy of this frame's result (what {@link #apply} reads of a child), tagged with {@code resultKind}. */
        Frame resultCopy(int resultKind) {
            Frame c = new Frame();
            c.kind = resultKind;
            System.arraycopy(hash, 0, c.hash, 0, HASH);
            c.leafCount = leafCount;
            c.leaf = leaf;
            c.node = node;
            return c;
        }

        void clear() {
            base = null;
            existence = 0;
            leaves = 0;
            changed = 0;
        }

        void load(InternalNode node) {
            base = node;
            existence = node.existenceBitmap();
            leaves = node.leafBitmap();
            changed = 0;
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
                    newChildren[n] = child.leaf;
                }
                case INTERNAL -> {
                    existence |= bit;
                    leaves &= ~bit;
                    changed |= bit;
                    versions[n] = version;
                    leafCounts[n] = child.leafCount;
                    System.arraycopy(child.hash, 0, hashes, n * HASH, HASH);
                    pending[n] = null;
                    newChildren[n] = child.node;
                }
                default -> throw new IllegalStateException("unknown result kind " + kind);
            }
        }

        /** The new node: the base's arrays patched with the changed children, cache rehashed where dirty. */
        InternalNode toNode(JmtHasher hasher, boolean link) {
            InternalNode node = patchedNode(hasher);
            if (link) {
                Node[] baseLinks = base == null ? null : base.linksRef();
                Node[] links;
                if (baseLinks != null && base.existenceBitmap() == existence) {
                    // Same children slots: the base's links, with the changed ones replaced.
                    links = baseLinks.clone();
                    for (int bits = changed; bits != 0; bits &= bits - 1) {
                        int n = Integer.numberOfTrailingZeros(bits);
                        links[Integer.bitCount(existence & ((1 << n) - 1))] = newChildren[n];
                    }
                } else {
                    links = new Node[Integer.bitCount(existence)];
                    int rank = 0;
                    for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
                        int n = Integer.numberOfTrailingZeros(bits);
                        links[rank] = (changed & (1 << n)) != 0 ? newChildren[n]
                                : baseLinks == null ? null : baseLinks[base.rank(n)];
                    }
                }
                node.setLinks(links);
            }
            for (int bits = changed; bits != 0; bits &= bits - 1) {
                newChildren[Integer.numberOfTrailingZeros(bits)] = null;
            }
            return node;
        }

        private InternalNode patchedNode(JmtHasher hasher) {
            int count = Integer.bitCount(existence);
            int present = changed & existence;
            if (base != null && base.existenceBitmap() == existence && base.leafBitmap() == leaves) {
                // Same shape: clone (child hashes and cache together) and patch.
                long[] meta = base.metaRef().clone();
                byte[] h = base.hashesWithCache().clone();
                long total = base.leafCount();
                for (int bits = present; bits != 0; bits &= bits - 1) {
                    int n = Integer.numberOfTrailingZeros(bits);
                    int rank = Integer.bitCount(existence & ((1 << n) - 1));
                    total = Math.addExact(total - meta[count + rank], leafCounts[n]);
                    meta[rank] = versions[n];
                    meta[count + rank] = leafCounts[n];
                    System.arraycopy(hashes, n * HASH, h, rank * HASH, HASH);
                }
                InternalNode node = new InternalNode(base, meta, h, total);
                node.refreshCache(changed, hasher);
                return node;
            }
            long[] meta = new long[2 * count];
            byte[] h = new byte[InternalNode.hashArrayLength(existence, leaves)];
            long[] baseMeta = base == null ? null : base.metaRef();
            byte[] baseHashes = base == null ? null : base.hashesRef();
            int baseCount = base == null ? 0 : base.childCount();
            int rank = 0;
            for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
                int n = Integer.numberOfTrailingZeros(bits);
                if ((present & (1 << n)) != 0) {
                    meta[rank] = versions[n];
                    meta[count + rank] = leafCounts[n];
                    System.arraycopy(hashes, n * HASH, h, rank * HASH, HASH);
                } else {
                    int baseRank = base.rank(n);
                    meta[rank] = baseMeta[baseRank];
                    meta[count + rank] = baseMeta[baseCount + baseRank];
                    System.arraycopy(baseHashes, baseRank * HASH, h, rank * HASH, HASH);
                }
            }
            InternalNode node = new InternalNode(existence, leaves, meta, h);
            node.buildCache(base, base == null ? 0xFFFF : changed, hasher);
            return node;
        }
    }
}
