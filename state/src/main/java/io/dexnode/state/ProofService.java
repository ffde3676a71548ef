package io.dexnode.state;

import io.dexnode.jmt.JmtException;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.PreimageReader;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.TreeUpdateBatch;
import java.util.HashMap;
import java.util.concurrent.locks.Lock;
import org.rocksdb.RocksIterator;

/**
 * ICS23 proofs of existence and absence at a retained version.
 *
 * <p>Which tree a proof walks: the latest version's tree in memory; a persisted tree on disk;
 * for any other retained version, a tree recomputed into a scratch map that is dropped
 * afterwards, whichever way is shorter: backwards from the latest tree (the keys changed since set
 * back, one batch: for a recent version a few milliseconds) or forwards from the newest persisted
 * tree below it (its later change logs re-applied, as a restart does). Either costs about as much
 * as that many key updates (docs/BENCHMARKS.md); the persist bounds bound the forward way.
 *
 * <p>A proof of the latest version may race a commit that drops from memory a node that version
 * still had; it then recomputes. A proof never reads anything pruning removed: it checks the
 * version is retained before and after.
 */
final class ProofService {
    private final StateDirectory disk;
    private final LatestTree tree;
    private final PersistedTrees trees;
    private final StateReader reads;

    ProofService(StateDirectory disk, LatestTree tree, PersistedTrees trees, StateReader reads) {
        this.disk = disk;
        this.tree = tree;
        this.trees = trees;
        this.reads = reads;
    }

    StateProof prove(byte[] key, long version) {
        Lock lock = reads.enterDurable();
        try {
            reads.checkRetained(version);
            byte[] root = disk.get(disk.meta, RecordCodec.rootKey(version));
            reads.checkRetained(version);
            if (root == null) {
                throw new StateException("version " + version + " is not committed (no root)");
            }
            StateProof proof = null;
            LatestTree.Head h = tree.head();
            // Commits made since this call began may still be in flight: everything up to h is durable after this.
            reads.awaitDurable();
            if (h.version() == version || trees.contains(version)) {
                try {
                    proof = Proofs.prove(new Reader(tree.view(h, reads::valueAt)), key, version, root);
                } catch (StateException e) {
                    if (!(e.getCause() instanceof io.dexnode.jmt.MissingNodeException)
                            && !(e.getCause() instanceof io.dexnode.jmt.MissingRootException)) {
                        reads.checkRetained(version);
                        throw e;
                    }
                    // A commit or the pruner moved on while the proof read: recompute.
                }
            }
            long base = trees.floor(version);
            if (proof == null && h.version() > version && h.version() - version <= version - base) {
                try {
                    proof = Proofs.prove(new Reader(undo(version, root, h)), key, version, root);
                } catch (StateException e) {
                    if (!(e.getCause() instanceof JmtException)) {
                        reads.checkRetained(version);
                        throw e;
                    }
                    // The latest tree moved on under the undo: recompute forward instead.
                }
            }
            for (int attempt = 0; proof == null; attempt++) {
                try {
                    proof = Proofs.prove(new Reader(recompute(version, root)), key, version, root);
                } catch (StateException e) {
                    reads.checkRetained(version);
                    if (attempt == 2 || !(e.getCause() instanceof JmtException)) {
                        throw e;
                    }
                    // The base tree was pruned under the recomputation (a newer one took its place): again.
                }
            }
            reads.checkRetained(version);
            return proof;
        } finally {
            lock.unlock();
        }
    }

    /** Nodes from a tree reader, values and preimages from the store. */
    private final class Reader implements TreeReader, PreimageReader {
        private final TreeReader nodes;

        Reader(TreeReader nodes) {
            this.nodes = nodes;
        }

        @Override
        public Node getNode(NodeKey key) {
            return nodes.getNode(key);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return reads.valueAt(keyHash, maxVersion);
        }

        @Override
        public byte[] preimage(KeyHash keyHash) {
            return reads.preimage(keyHash);
        }
    }

    /**
     * The tree of {@code version}, recomputed: the newest persisted tree at or below it, then the
     * change log of every later version up to it, each applied as the commit did (a version with
     * no change log changes nothing but the root's key, added last). The new nodes go into a map
     * that drops each node as soon as a later version replaces it.
     */
    private TreeReader recompute(long version, byte[] expectedRoot) {
        long base = trees.floor(version);
        TreeReader below = tree.view(new LatestTree.Head(StateStore.NO_VERSION, null), reads::valueAt);
        if (base == version) {
            // Persisted since the caller looked: the tree is there as it is (its root checked below).
            return checkedRoot(below, version, expectedRoot, base);
        }
        // Only the base tree's nodes: a persist in flight may already show a later version's root,
        // which the replay below would otherwise find "already written".
        Scratch scratch = new Scratch(below, base);
        long at = base;
        try (RocksIterator it = disk.iterator(disk.changes)) {
            for (it.seek(Versions.longBE(base + 1)); it.isValid(); it.next()) {
                long v = Versions.getLongBE(it.key(), 0);
                if (v > version) {
                    break;
                }
                RecordCodec.Changes c = RecordCodec.decodeChanges(it.value());
                at = scratch.apply(at, v, TreeCommit.hash(c.keys(), c.values()));
            }
            StateDirectory.check(it);
        }
        if (at != version) {
            at = scratch.apply(at, version, TreeCommit.hash(new byte[0][], new byte[0][]));
        }
        checkRoot(scratch.root, version, expectedRoot, base);
        return scratch;
    }

    /** {@code nodes}, once the root node it holds for {@code version} has the stored root's hash. */
    private TreeReader checkedRoot(TreeReader nodes, long version, byte[] expectedRoot, long base) {
        Node root = nodes.getNode(NodeKey.root(version));
        if (root == null) {
            throw new StateException("the persisted tree of version " + version + " has no root node",
                    new io.dexnode.jmt.MissingRootException(version));
        }
        checkRoot(root.hash(), version, expectedRoot, base);
        return nodes;
    }

    private void checkRoot(byte[] got, long version, byte[] expectedRoot, long base) {
        if (!java.util.Arrays.equals(got, expectedRoot)) {
            throw new StateException("the state at " + disk.dir + " is inconsistent: recomputing version " + version
                    + " from the persisted tree of version " + base + " gave root "
                    + (got == null ? "none" : java.util.HexFormat.of().formatHex(got))
                    + ", but the stored root is " + java.util.HexFormat.of().formatHex(expectedRoot));
        }
    }

    /**
     * The tree of {@code version}, recomputed backwards from the latest tree {@code h}: every key
     * changed after {@code version} set back to its value then, in one batch over the latest tree
     * (into a scratch map). The result has the same keys and values as the tree of {@code version},
     * so the same shape and hashes; its nodes carry a version above the latest (they exist nowhere
     * else), and its root answers for {@code version}'s root.
     */
    private TreeReader undo(long version, byte[] expectedRoot, LatestTree.Head h) {
        java.util.TreeSet<byte[]> changed = new java.util.TreeSet<>(java.util.Arrays::compareUnsigned);
        try (RocksIterator it = disk.iterator(disk.changes)) {
            for (it.seek(Versions.longBE(version + 1)); it.isValid(); it.next()) {
                if (Versions.getLongBE(it.key(), 0) > h.version()) {
                    break;
                }
                changed.addAll(RecordCodec.decodeChangedKeys(it.value()));
            }
            StateDirectory.check(it);
        }
        byte[][] keys = changed.toArray(byte[][]::new);
        byte[][] values = new byte[keys.length][];
        TreeCommit.Hashed hashed = TreeCommit.hash(keys, values);
        for (int i = 0; i < keys.length; i++) {
            values[i] = reads.valueAt(hashed.keyHashes()[i], version);
        }
        Scratch scratch = new Scratch(tree.view(h, reads::valueAt), h.version());
        long undone = h.version() + 1;
        scratch.apply(h.version(), undone, hashed);
        if (!java.util.Arrays.equals(scratch.root, expectedRoot)) {
            throw new StateException("the state at " + disk.dir + " is inconsistent: setting the " + keys.length
                    + " keys changed after version " + version + " back to their values then gives root "
                    + java.util.HexFormat.of().formatHex(scratch.root) + ", but the stored root is "
                    + java.util.HexFormat.of().formatHex(expectedRoot));
        }
        NodeKey root = NodeKey.root(version);
        NodeKey undoneRoot = NodeKey.root(undone);
        return new TreeReader() {
            @Override
            public Node getNode(NodeKey key) {
                return scratch.getNode(key.equals(root) ? undoneRoot : key);
            }

            @Override
            public byte[] getValue(long maxVersion, KeyHash keyHash) {
                return reads.valueAt(keyHash, maxVersion);
            }
        };
    }

    /**
     * Nodes recomputed since a tree, over that tree's reader, which answers only for nodes written
     * at or before the tree's version {@code belowThrough} (not thread-safe; one proof).
     */
    private static final class Scratch implements TreeReader {
        private final TreeReader below;
        private final long belowThrough;
        private final HashMap<NodeKey, Node> nodes = new HashMap<>();
        byte[] root;

        Scratch(TreeReader below, long belowThrough) {
            this.below = below;
            this.belowThrough = belowThrough;
        }

        long apply(long latest, long version, TreeCommit.Hashed hashed) {
            TreeCommit.Prepared p = TreeCommit.prepare(this, latest, version, hashed, null);
            TreeUpdateBatch batch = p.batch();
            for (int i = 0; i < p.staleCount(); i++) {
                nodes.remove(p.staleKey(i));
            }
            for (int i = 0; i < batch.nodeCount(); i++) {
                nodes.put(batch.nodeKey(i), batch.node(i));
            }
            root = p.root();
            return version;
        }

        @Override
        public Node getNode(NodeKey key) {
            Node n = nodes.get(key);
            return n != null || key.version() > belowThrough ? n : below.getNode(key);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return below.getValue(maxVersion, keyHash);
        }
    }
}
