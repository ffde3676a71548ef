package io.dexnode.jmt;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * A complete tree store in memory: nodes, the stale-node index, versioned values and key
 * preimages. For tests, tools ({@code dexnode jmt}) and benchmarks; the node's durable store is
 * the RocksDB one in the {@code state} module.
 *
 * <p>Two ways to hold nodes, chosen at construction:
 * <ul>
 *   <li><b>linked</b> (default): only roots are indexed (by version). The tree links every parent
 *       object to its children ({@link #nodesStayResident()}), so a node key (v, path) is found by
 *       walking along the path from root(v) — every node written at v is in v's tree at its path —
 *       or, once root(v) is pruned, from the oldest retained root, which holds it if any does.
 *       Writing a version registers one root; pruning drops the roots the stale-node index names,
 *       and the garbage collector reclaims whatever no retained root reaches.</li>
 *   <li><b>indexed</b>: every node in a primitive open-addressing table keyed by (version,
 *       packed path), paths deeper than 15 nibbles in a plain map; the tree reads each node it
 *       touches through {@link #getNode}, as it must over a bounded cache of a larger store.</li>
 * </ul>
 * Values are a per-key chain of (version, value) entries, newest first. Stale entries and value
 * writes are kept in version order (versions only grow), so pruning walks just what became
 * prunable, never the whole store, and never depends on hash order.
 * Not thread-safe: confine an instance to one thread or guard it externally.
 */
public final class InMemoryTreeStore implements TreeReader, TreeWriter, PreimageReader {
    private final boolean linked;
    private final TreeMap<Long, Node> roots = new TreeMap<>(Long::compareUnsigned);
    private final LongKeyTable<Node> nodes;
    private final HashMap<NodeKey, Node> deepNodes;
    private final ArrayDeque<StaleNodeIndex> staleIndex = new ArrayDeque<>();
    private final LongKeyTable<ValueEntry> values = new LongKeyTable<>(4);
    private final ArrayDeque<WrittenKeys> valueLog = new ArrayDeque<>();
    private final HashMap<KeyHash, byte[]> preimages = new HashMap<>();
    private boolean anyWrite;
    private long lastVersion;

    /** A linked store (the fast in-memory mode). */
    public InMemoryTreeStore() {
        this(true);
    }

    /**
     * A store; {@code linked} false indexes every node and makes the tree read each node it
     * touches through {@link #getNode}, as over a bounded cache (to measure or test that mode).
     */
    public InMemoryTreeStore(boolean linked) {
        this.linked = linked;
        this.nodes = linked ? null : new LongKeyTable<>(2);
        this.deepNodes = linked ? null : new HashMap<>();
    }

    /** The keys a version wrote values for, so that value pruning visits only those. */
    private record WrittenKeys(long version, KeyHash[] keys) {}

    /** One value of a key at a version (null: deleted), linked to the key's next older entry. */
    private static final class ValueEntry {
        final long version;
        final byte[] value;
        ValueEntry older;

        ValueEntry(long version, byte[] value, ValueEntry older) {
            this.version = version;
            this.value = value;
            this.older = older;
        }
    }

    /** Whether this store is in linked mode. */
    public boolean isLinked() {
        return linked;
    }

    /** In linked mode every node stays here until pruned, so the tree links parents to children. */
    @Override
    public boolean nodesStayResident() {
        return linked;
    }

    @Override
    public Node getNode(NodeKey key) {
        if (!linked) {
            NibblePath p = key.path();
            return p.length() <= 15 ? nodes.get(key.version(), p.packedShort(), 0, 0) : deepNodes.get(key);
        }
        NibblePath path = key.path();
        Node node = roots.get(key.version());
        if (node == null && path.length() > 0) {
            // Root(v) may be pruned while this node lives on unchanged in later versions. The
            // versions holding it form an interval and the oldest retained root is in it if any is.
            var later = roots.higherEntry(key.version());
            if (later == null && key.version() == -1L) {
                // The pre-genesis version u64::MAX precedes version 0 (spec §2.4): wrap around.
                later = roots.firstEntry();
            }
            node = later == null ? null : later.getValue();
        }
        for (int i = 0; i < path.length() && node != null; i++) {
            int nibble = path.nibble(i);
            if (!(node instanceof InternalNode in) || !in.hasChild(nibble)) {
                return null;
            }
            int rank = in.rank(nibble);
            if (i == path.length() - 1 && in.metaRef()[rank] != key.version()) {
                return null; // the node at this path was written at another version
            }
            node = in.linkedChild(rank);
            if (node == null) {
                throw new IllegalStateException("linked store holds a node without child links above " + key);
            }
        }
        return node;
    }

    private void putNode(NodeKey key, Node node) {
        NibblePath p = key.path();
        if (p.length() <= 15) {
            nodes.put(key.version(), p.packedShort(), 0, 0, node);
        } else {
            deepNodes.put(key, node);
        }
    }

    private Node removeNode(NodeKey key) {
        NibblePath p = key.path();
        return p.length() <= 15 ? nodes.remove(key.version(), p.packedShort(), 0, 0) : deepNodes.remove(key);
    }

    @Override
    public byte[] getValue(long maxVersion, KeyHash keyHash) {
        ValueEntry e = values.get(keyHash.word(0), keyHash.word(1), keyHash.word(2), keyHash.word(3));
        while (e != null && Long.compareUnsigned(e.version, maxVersion) > 0) {
            e = e.older;
        }
        return e == null ? null : e.value;
    }

    @Override
    public byte[] preimage(KeyHash keyHash) {
        byte[] k = preimages.get(keyHash);
        return k == null ? null : k.clone();
    }

    /**
     * Remembers {@code rawKey} as the preimage of its key hash, which it returns. Preimages are
     * facts, not state: they are kept across deletions and pruning, so that old versions can still
     * name their keys.
     */
    public KeyHash putPreimage(byte[] rawKey) {
        KeyHash kh = KeyHash.of(rawKey);
        preimages.putIfAbsent(kh, rawKey.clone());
        return kh;
    }

    @Override
    public void write(TreeUpdateBatch batch) {
        long v = batch.version();
        if (anyWrite && Long.compareUnsigned(v, lastVersion) <= 0 && !(lastVersion == -1L && v == 0)) {
            throw new IllegalStateException("version " + Long.toUnsignedString(v)
                    + " written after version " + Long.toUnsignedString(lastVersion));
        }
        if (linked) {
            // Only the root is read: a batch's nodes are linked all or none (the updater links
            // when its reader's nodes stay resident), and reading every node would fetch ten
            // thousand objects another core may have just written.
            for (int i = batch.nodeCount() - 1; i >= 0; i--) {
                if (batch.nodeDepth(i) == 0) {
                    if (batch.node(i) instanceof InternalNode in && in.linksRef() == null) {
                        throw new IllegalStateException("a linked store takes only batches computed over it (root "
                                + batch.nodeKey(i) + " has no child links)");
                    }
                    roots.put(v, batch.node(i));
                    break;
                }
            }
        } else {
            for (int i = 0; i < batch.nodeCount(); i++) {
                putNode(batch.nodeKey(i), batch.node(i));
            }
        }
        if (linked) {
            // Only the roots' entries matter here (see pruneStaleNodes): the rest are never made.
            for (int i = 0; i < batch.staleCount(); i++) {
                if (batch.staleDepth(i) == 0) {
                    staleIndex.add(new StaleNodeIndex(v, batch.staleKey(i)));
                }
            }
        } else {
            staleIndex.addAll(batch.staleNodeIndices());
        }
        KeyHash[] keys = batch.valueKeysRef();
        for (int i = 0; i < keys.length; i++) {
            KeyHash k = keys[i];
            byte[] value = batch.value(i);
            values.update(k.word(0), k.word(1), k.word(2), k.word(3), newest -> newest != null && newest.version == v
                    ? new ValueEntry(v, value, newest.older)
                    : new ValueEntry(v, value, newest));
        }
        if (keys.length > 0) {
            valueLog.add(new WrittenKeys(v, keys));
        }
        anyWrite = true;
        lastVersion = v;
    }

    /**
     * Deletes every node that no version ≥ {@code leastReadableVersion} contains (stale-since ≤ L,
     * spec §2.5) and its index entry. Returns the number of index entries processed (nodes freed).
     */
    public int pruneStaleNodes(long leastReadableVersion) {
        int removed = 0;
        while (!staleIndex.isEmpty()
                && Long.compareUnsigned(staleIndex.peekFirst().staleSinceVersion(), leastReadableVersion) <= 0) {
            NodeKey key = staleIndex.pollFirst().nodeKey();
            if (linked) {
                // Dropping the root is enough: what no retained root reaches is garbage.
                if (key.path().length() == 0) {
                    roots.remove(key.version());
                }
                removed++;
            } else if (removeNode(key) != null) {
                removed++;
            }
        }
        return removed;
    }

    /**
     * Drops value entries no readable version can see: for each key, the entries older than its
     * newest entry at or below {@code leastReadableVersion}, and that entry too when it is a
     * deletion. Returns the number of entries dropped.
     */
    public int pruneValues(long leastReadableVersion) {
        int dropped = 0;
        while (!valueLog.isEmpty() && Long.compareUnsigned(valueLog.peekFirst().version(), leastReadableVersion) <= 0) {
            for (KeyHash k : valueLog.pollFirst().keys()) {
                dropped += pruneKey(k, leastReadableVersion);
            }
        }
        return dropped;
    }

    private int pruneKey(KeyHash k, long horizon) {
        ValueEntry head = values.get(k.word(0), k.word(1), k.word(2), k.word(3));
        ValueEntry newer = null;
        ValueEntry e = head;
        while (e != null && Long.compareUnsigned(e.version, horizon) > 0) {
            newer = e;
            e = e.older;
        }
        if (e == null) {
            return 0;
        }
        int dropped = 0;
        for (ValueEntry o = e.older; o != null; o = o.older) {
            dropped++;
        }
        e.older = null;
        if (e.value == null) {
            // A deletion at or below the horizon: no readable version needs it.
            dropped++;
            if (newer == null) {
                values.remove(k.word(0), k.word(1), k.word(2), k.word(3));
            } else {
                newer.older = null;
            }
        }
        return dropped;
    }

    /** Prunes nodes and values so that versions ≥ {@code leastReadableVersion} stay readable. */
    public void prune(long leastReadableVersion) {
        pruneStaleNodes(leastReadableVersion);
        pruneValues(leastReadableVersion);
    }

    /**
     * Number of stored nodes (distinct node keys). In linked mode this walks every retained
     * version's tree, so it is for tests and tools, not for every block.
     */
    public int nodeCount() {
        if (!linked) {
            return nodes.size() + deepNodes.size();
        }
        Set<NodeKey> seen = new HashSet<>();
        ArrayDeque<NodeKey> keys = new ArrayDeque<>();
        ArrayDeque<Node> todo = new ArrayDeque<>();
        for (var root : roots.entrySet()) {
            keys.add(NodeKey.root(root.getKey()));
            todo.add(root.getValue());
        }
        while (!todo.isEmpty()) {
            NodeKey key = keys.poll();
            Node n = todo.poll();
            if (seen.add(key) && n instanceof InternalNode in) {
                int rank = 0;
                for (int bits = in.existenceBitmap(); bits != 0; bits &= bits - 1, rank++) {
                    keys.add(new NodeKey(in.metaRef()[rank], key.path().child(Integer.numberOfTrailingZeros(bits))));
                    todo.add(in.linkedChild(rank));
                }
            }
        }
        return seen.size();
    }

    /** Number of stale-node index entries not yet pruned (a linked store keeps only the roots'). */
    public int staleIndexSize() {
        return staleIndex.size();
    }

    /** Number of keys with at least one value entry (live or tombstone). */
    public int valueKeyCount() {
        return values.size();
    }

    /** Number of value entries over all keys. */
    public long valueEntryCount() {
        long[] n = {0};
        values.forEachValue(e -> {
            for (ValueEntry x = e; x != null; x = x.older) {
                n[0]++;
            }
        });
        return n[0];
    }
}
