package io.dexnode.state;

import io.dexnode.jmt.InternalNode;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.LeafNode;
import io.dexnode.jmt.MissingNodeException;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeCodec;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.TreeUpdateBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest tree, held in memory, and which of its nodes are not yet on disk.
 *
 * <p>Commits compute each version here ({@link #prepare}, then {@link #apply}); nothing of the tree
 * goes into a commit's write. While the whole tree fits the node budget it runs <em>linked</em>:
 * parents hold their children as objects, so a commit walks object links and looks nothing up.
 * Beyond the budget, parents are not linked; the nodes not yet persisted are kept in a map, and
 * the persisted ones come from bounded caches or from RocksDB, read a level at a time
 * ({@link TreePrefetcher}).
 *
 * <p>{@link #handOff} gives the tree as of the latest version to the persister: the nodes written
 * since the previous hand-off that the tree still holds (a node replaced before it was persisted
 * is never written), and the persisted nodes the versions since made stale. From then on those
 * nodes count as persisted; the map of them stays readable until the persister has written them
 * ({@link #persisted}).
 *
 * <p>Invariant: every node of the latest tree is reachable by its key — through its parent's
 * link, in the map of unpersisted nodes, in the map of a persist in flight, or on disk — and
 * every node on disk with a version above the last hand-off is one a crash may take back. The
 * committer is the only writer; {@link #view} gives other threads a consistent reader of one
 * version.
 */
final class LatestTree {
    /** Estimated heap of a leaf and of an internal node (arrays, hash cache, links) with n children. */
    private static final long LEAF_BYTES = 120;
    private static final long INTERNAL_BASE_BYTES = 180;
    private static final long INTERNAL_CHILD_BYTES = 76;

    /** The latest version and its root node, published together. */
    record Head(long version, Node root) {}

    private final StateDirectory disk;
    private final int nodeBudget;
    /** Internal nodes of the latest tree when not linked: filled by the committer, read by everyone. */
    private final InternalNodeCache nodeCache;
    /** Leaves of the latest tree when not linked (committer only). */
    private final LeafCache leafCache;
    private volatile Head head = new Head(StateStore.NO_VERSION, null);
    private boolean linked;
    /** Unpersisted nodes not held by links (committer writes, everyone reads). */
    private volatile ConcurrentHashMap<NodeKey, Node> unpersisted = new ConcurrentHashMap<>();
    /** The unpersisted nodes handed to the persists in flight, oldest first (replaced, never modified). */
    private volatile List<Map<NodeKey, Node>> persisting = List.of();
    private long unpersistedBytes;
    /** The version of the last hand-off: nodes up to it count as persisted. */
    private long handedOff;
    /** The version of the last persist written: nodes up to it are on disk. */
    private volatile long written;
    /** Persisted nodes made stale since the last hand-off. */
    private ArrayList<NodeKey> staleSinceHandOff = new ArrayList<>();
    /** Nodes read from RocksDB since open, and tree misses and keys of the last commit. */
    private long nodesLoaded;
    private long lastMisses;
    private long lastKeys;
    private long lastPrefetchNanos;
    /** Nodes of the persisted tree loaded ahead of a re-apply on open (committer only; empty otherwise). */
    private Map<NodeKey, Node> preloaded = Map.of();

    /** Where large linked commits compute half of the root's subtrees (null: on the committer alone). */
    private final java.util.concurrent.Executor helper;

    LatestTree(StateDirectory disk, int nodeBudget, long persistedVersion, java.util.concurrent.Executor helper) {
        this.disk = disk;
        this.helper = helper;
        this.nodeBudget = nodeBudget;
        this.nodeCache = new InternalNodeCache(nodeBudget / 2);
        this.leafCache = new LeafCache(nodeBudget);
        this.handedOff = persistedVersion;
        this.written = persistedVersion;
    }

    /** Starts from the persisted tree of {@code version} (NO_VERSION: the empty tree). */
    void startAt(long version) {
        Node root = null;
        if (version != StateStore.NO_VERSION) {
            root = readDisk(NodeKey.root(version));
            if (root == null) {
                throw new StateException("the state at " + disk.dir + " is corrupt: the persisted tree of version "
                        + version + " has no root node");
            }
        }
        head = new Head(version, root);
    }

    Head head() {
        return head;
    }

    long version() {
        return head.version();
    }

    /** Hands over the persisted tree's nodes a re-apply will read (read-only from now on); an empty map ends it. */
    void preload(Map<NodeKey, Node> nodes) {
        preloaded = nodes;
    }

    /** Time the last {@link #prepare} spent loading nodes ahead of the update. */
    long lastPrefetchNanos() {
        return lastPrefetchNanos;
    }

    /** Nodes read from RocksDB since open. */
    long nodesLoaded() {
        return nodesLoaded;
    }

    /** Estimated heap held by unpersisted nodes that no link holds (zero while linked). */
    long unpersistedBytes() {
        return unpersistedBytes;
    }

    long handedOff() {
        return handedOff;
    }

    // ---------------------------------------------------------------- committing

    /** Computes version {@code version} over the latest tree; changes nothing here. Committer only. */
    TreeCommit.Prepared prepare(long version, TreeCommit.Hashed hashed) {
        Head h = head;
        CommitReader reader = new CommitReader(h);
        if (h.version() != StateStore.NO_VERSION && nodeBudget > 0) {
            boolean resident = h.root() != null && h.root().leafCount() <= nodeBudget;
            if (resident && !linked) {
                // From now on the tree's own links hold it; the caches would only duplicate it.
                nodeCache.clear();
                leafCache.clear();
            } else if (!resident && linked) {
                // Links no longer hold the unpersisted nodes the tree reads by key: map them.
                mapUnpersisted(h);
            }
            linked = resident;
        } else if (linked) {
            mapUnpersisted(h);
            linked = false;
        }
        reader.resident = linked;
        long keys = hashed.keys().length;
        // Walk and multi-get ahead only when the tree missed a lot last time (cold start, tree
        // larger than the cache); with a warm cache the walk would only repeat the tree's lookups.
        long t0 = System.nanoTime();
        if (!preloaded.isEmpty()) {
            reader.prefetched = preloaded;
        } else if (h.version() != StateStore.NO_VERSION && keys > 0 && lastMisses * 16 >= lastKeys) {
            reader.prefetched = TreePrefetcher.prefetch(reader.source(), NodeKey.root(h.version()), hashed.sortedHashes());
        }
        lastPrefetchNanos = System.nanoTime() - t0;
        if (linked) {
            reader.source(); // created before a helper thread could race to create it
        }
        TreeCommit.Prepared p = TreeCommit.prepare(reader, h.version(), version, hashed, helper);
        lastMisses = reader.misses;
        lastKeys = keys;
        return p;
    }

    /** Makes {@code p} the latest version. Committer only, in version order. */
    void apply(TreeCommit.Prepared p, long version) {
        TreeUpdateBatch batch = p.batch();
        boolean mapped = !unpersisted.isEmpty();
        for (int i = 0, n = p.staleCount(); i < n; i++) {
            boolean persisted = p.staleVersion(i) <= handedOff;
            if (!persisted && !mapped && linked) {
                continue; // an unpersisted node only links held: nothing to do, no key to make
            }
            NodeKey key = p.staleKey(i);
            if (persisted) {
                staleSinceHandOff.add(key);
            } else if (mapped) {
                Node gone = unpersisted.remove(key);
                if (gone != null) {
                    unpersistedBytes -= bytesOf(gone);
                }
            }
            if (!linked && !leafCache.remove(key)) {
                nodeCache.remove(key);
            }
        }
        if (!linked) {
            for (int i = 0; i < batch.nodeCount(); i++) {
                Node n = batch.node(i);
                NodeKey key = batch.nodeKey(i);
                if (unpersisted.put(key, n) == null) {
                    unpersistedBytes += bytesOf(n);
                }
                if (n instanceof LeafNode leaf) {
                    leafCache.put(key, leaf);
                } else {
                    nodeCache.offer(key, n);
                }
            }
        }
        head = new Head(version, rootOf(batch));
    }

    private static Node rootOf(TreeUpdateBatch batch) {
        for (int i = batch.nodeCount() - 1; i >= 0; i--) {
            if (batch.nodeDepth(i) == 0) {
                return batch.node(i);
            }
        }
        throw new IllegalStateException("version " + batch.version() + " wrote no root");
    }

    private static long bytesOf(Node n) {
        return n instanceof InternalNode in ? INTERNAL_BASE_BYTES + INTERNAL_CHILD_BYTES * in.childCount() : LEAF_BYTES;
    }

    /**
     * Puts every node not yet on disk that only links hold into the map (leaving linked mode),
     * including those of persists still in flight: once parents stop being linked, a lookup by
     * key is the only way to them.
     */
    private void mapUnpersisted(Head h) {
        if (h.root() == null) {
            return;
        }
        // The maps before the version written: a persist finishing in between then leaves its
        // nodes either in the maps taken or at or below the version read (persisted() updates
        // the version before it drops the map).
        Map<NodeKey, Node>[] maps = mapsToSearch();
        collectUnpersisted(NodeKey.root(h.version()), h.root(), written, (k, n) -> {
            if (unpersisted.put(k, n) == null) {
                unpersistedBytes += bytesOf(n);
            }
        }, maps);
    }

    @SuppressWarnings("unchecked")
    private Map<NodeKey, Node>[] mapsToSearch() {
        List<Map<NodeKey, Node>> p = persisting;
        Map<NodeKey, Node>[] maps = new Map[p.size() + 1];
        maps[0] = unpersisted;
        for (int i = 0; i < p.size(); i++) {
            maps[i + 1] = p.get(i);
        }
        return maps;
    }

    /** The node under {@code key} if it is held in memory as unpersisted, else null. */
    private Node unpersistedNode(NodeKey key) {
        Node n = unpersisted.get(key);
        if (n == null) {
            for (Map<NodeKey, Node> m : persisting) {
                n = m.get(key);
                if (n != null) {
                    break;
                }
            }
        }
        return n;
    }

    /** What a persist of the latest version writes. */
    record HandOff(long version, Node root, long previous, List<NodeKey> stale, Map<NodeKey, Node> unlinked) {}

    /**
     * Hands the latest version's tree to the persister: from now on its nodes count as persisted.
     * Committer only.
     */
    HandOff handOff() {
        Head h = head;
        HandOff job = new HandOff(h.version(), h.root(), handedOff, staleSinceHandOff, unpersisted);
        synchronized (this) {
            List<Map<NodeKey, Node>> p = new ArrayList<>(persisting);
            p.add(unpersisted);
            persisting = List.copyOf(p);
        }
        unpersisted = new ConcurrentHashMap<>();
        unpersistedBytes = 0;
        staleSinceHandOff = new ArrayList<>();
        handedOff = h.version();
        return job;
    }

    /** The persister has written {@code job}: its nodes are on disk now. */
    void persisted(HandOff job) {
        synchronized (this) {
            written = Math.max(written, job.version());
            List<Map<NodeKey, Node>> p = new ArrayList<>(persisting);
            p.removeIf(m -> m == job.unlinked());
            persisting = List.copyOf(p);
        }
    }

    /** A consumer of node keys and nodes. */
    interface NodeSink {
        void accept(NodeKey key, Node node);
    }

    /**
     * Visits the nodes of the tree below {@code root} written after version {@code persisted}
     * (parents before children): exactly the nodes a persist of that tree writes, each once.
     * Children are found by link or in {@code maps}; a node neither linked nor mapped would be
     * lost, which is a bug and throws.
     */
    @SafeVarargs
    static void collectUnpersisted(NodeKey rootKey, Node root, long persisted, NodeSink sink,
                                   Map<NodeKey, Node>... maps) {
        sink.accept(rootKey, root);
        if (root instanceof InternalNode in) {
            for (int bits = in.existenceBitmap(); bits != 0; bits &= bits - 1) {
                int nibble = Integer.numberOfTrailingZeros(bits);
                long childVersion = in.childVersion(nibble);
                if (childVersion <= persisted) {
                    continue;
                }
                NodeKey childKey = new NodeKey(childVersion, rootKey.path().child(nibble));
                Node child = in.residentChild(nibble);
                for (int m = 0; child == null && m < maps.length; m++) {
                    child = maps[m].get(childKey);
                }
                if (child == null) {
                    throw new MissingNodeException(childKey);
                }
                collectUnpersisted(childKey, child, persisted, sink, maps);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * A reader of the tree of {@code h}'s version (and of any persisted node), safe for any thread:
     * the root from {@code h}, then the unpersisted maps, the node cache, a walk of links from the
     * root, RocksDB. A node the latest commits removed from memory before it was persisted is
     * missing here ({@link MissingNodeException}); callers fall back to recomputing.
     */
    TreeReader view(Head h, ValueSource values) {
        return new View(h, values);
    }

    /** Values by key hash at a version, for the tree's readers. */
    interface ValueSource {
        byte[] valueAt(KeyHash keyHash, long maxVersion);
    }

    private final class View implements TreeReader {
        private final Head h;
        private final ValueSource values;

        View(Head h, ValueSource values) {
            this.h = h;
            this.values = values;
        }

        @Override
        public Node getNode(NodeKey key) {
            if (h.root() != null && key.version() == h.version() && key.path().length() == 0) {
                return h.root();
            }
            Node n = unpersistedNode(key);
            if (n == null) {
                n = nodeCache.get(key);
            }
            if (n == null) {
                n = linkedWalk(h.root(), key);
            }
            return n != null ? n : readDisk(key);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return values.valueAt(keyHash, maxVersion);
        }
    }

    /** The node under {@code key} if the links from {@code root} reach it, else null. */
    private static Node linkedWalk(Node root, NodeKey key) {
        Node node = root;
        int depth = key.path().length();
        for (int i = 0; i < depth; i++) {
            if (!(node instanceof InternalNode in)) {
                return null;
            }
            int nibble = key.path().nibble(i);
            if (!in.hasChild(nibble)) {
                return null;
            }
            if (i == depth - 1 && in.childVersion(nibble) != key.version()) {
                return null;
            }
            node = in.residentChild(nibble);
        }
        return depth == 0 ? null : node;
    }

    /** The node under {@code key} from RocksDB, or null. */
    Node readDisk(NodeKey key) {
        byte[] bytes = disk.get(disk.nodes, key.encode());
        return bytes == null ? null : decode(key, bytes);
    }

    private Node decode(NodeKey key, byte[] bytes) {
        try {
            return NodeCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new StateException("the state at " + disk.dir + " is corrupt: node " + key + " does not decode: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Where a commit's tree reads come from (committer only): the unpersisted maps, then the
     * caches unless the tree runs linked (then they stay empty and what is loaded is only handed
     * to the tree, which links it), then RocksDB in multi-gets.
     */
    private final class CommitSource implements TreePrefetcher.Source {
        private final boolean linkedTree;

        CommitSource(boolean linkedTree) {
            this.linkedTree = linkedTree;
        }

        @Override
        public Node cached(NodeKey key) {
            Node n = unpersistedNode(key);
            if (n != null || linkedTree) {
                return n;
            }
            n = nodeCache.get(key);
            return n != null ? n : leafCache.get(key);
        }

        @Override
        public List<Node> load(List<NodeKey> keys) {
            List<byte[]> encoded = new ArrayList<>(keys.size());
            for (NodeKey k : keys) {
                encoded.add(k.encode());
            }
            nodesLoaded += keys.size();
            List<byte[]> values = disk.multiGet(disk.nodes, encoded);
            List<Node> out = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] v = values.get(i);
                Node n = v == null ? null : decode(keys.get(i), v);
                if (!linkedTree) {
                    if (n instanceof LeafNode leaf) {
                        leafCache.put(keys.get(i), leaf);
                    } else if (n != null) {
                        nodeCache.offer(keys.get(i), n);
                    }
                }
                out.add(n);
            }
            return out;
        }
    }

    /**
     * The tree's view during one commit (the committer's, and in linked mode also the helper
     * thread's: then it only reads thread-safe maps and RocksDB, and its counters are statistics):
     * the latest root object, prefetched nodes, then {@link CommitSource}, counting what it had to
     * load.
     */
    private final class CommitReader implements TreeReader {
        private final Head h;
        Map<NodeKey, Node> prefetched = Map.of();
        boolean resident;
        /** Nodes the tree needed that were neither linked nor cached (prefetched or loaded). */
        long misses;
        private CommitSource source;

        CommitReader(Head h) {
            this.h = h;
        }

        CommitSource source() {
            if (source == null) {
                source = new CommitSource(resident);
            }
            return source;
        }

        /**
         * When the whole latest tree fits the node budget, let the tree link parents to children:
         * later commits then walk object links instead of looking every node up. The links only
         * ever reach nodes of the latest tree (replaced nodes drop out with their parents), so
         * memory stays about one tree; a tree larger than the budget gets no new links.
         */
        @Override
        public boolean nodesStayResident() {
            return resident;
        }

        @Override
        public Node getNode(NodeKey key) {
            if (h.root() != null && key.path().length() == 0 && key.version() == h.version()) {
                return h.root(); // the object the last commit built, with its links
            }
            Node n = prefetched.get(key);
            if (n != null) {
                misses++;
                return n;
            }
            n = source().cached(key);
            if (n == null) {
                misses++;
                n = source().load(List.of(key)).get(0);
            }
            return n;
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            throw new IllegalStateException("a tree update reads no values");
        }
    }
}
