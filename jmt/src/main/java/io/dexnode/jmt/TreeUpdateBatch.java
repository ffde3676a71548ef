package io.dexnode.jmt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Everything one version changes, to be written atomically by a {@link TreeWriter}: the new nodes
 * with their keys, the stale-node index entries of the nodes they replace, and the value writes
 * (key hash → value, null for a deletion) at this version (spec §2.4).
 *
 * <p>Order is deterministic: nodes in the order the update created them (children before
 * parents), stale entries in the order found, values in key-hash order. Value arrays are the
 * caller's own (not copied): a writer must not modify them.
 */
public final class TreeUpdateBatch {
    private static final int MAX_INITIAL_ROOM = 1 << 16;

    private final long version;
    private Node[] nodes;
    /** Where new node i sits: a key hash on its path and {@link #spec} of the path. */
    private KeyHash[] nodePaths;
    private int[] nodeSpecs;
    private int nodeCount;
    /** Stale entry i: the node's version, and its path as for new nodes. */
    private long[] staleVersions;
    private KeyHash[] stalePaths;
    private int[] staleSpecs;
    private int staleCount;
    private List<StaleNodeIndex> staleList;
    private final KeyHash[] valueKeys;
    private final byte[][] values;
    private long newLeaves;
    private long staleLeaves;

    /**
     * An empty batch with room for {@code capacity} new nodes and as many stale entries before its
     * arrays grow (a batch of n updates makes about 2–3n of each: the leaves and the nodes above),
     * at most {@link #MAX_INITIAL_ROOM}: a bulk load's arrays grow as they fill.
     */
    TreeUpdateBatch(long version, KeyHash[] valueKeys, byte[][] values, int capacity) {
        this.version = version;
        this.valueKeys = valueKeys;
        this.values = values;
        int room = Math.clamp(capacity, 16, MAX_INITIAL_ROOM);
        nodes = new Node[room];
        nodePaths = new KeyHash[room];
        nodeSpecs = new int[room];
        staleVersions = new long[room];
        stalePaths = new KeyHash[room];
        staleSpecs = new int[room];
    }

    /**
     * A path kept as a key hash and this spec, so that a batch of ten thousand updates allocates
     * no key objects until someone asks for them: the first {@code length} nibbles of the key hash,
     * or, with {@code lastNibble} ≥ 0, the first {@code length - 1} followed by that nibble.
     */
    static int spec(int length, int lastNibble) {
        return lastNibble < 0 ? length : length | (lastNibble << 8) | (1 << 16);
    }

    private static NibblePath path(KeyHash kh, int spec) {
        int length = spec & 0xFF;
        if (length == 0) {
            return NibblePath.EMPTY;
        }
        return (spec & (1 << 16)) != 0 ? NibblePath.childOf(kh, length - 1, (spec >>> 8) & 0xF) : NibblePath.prefixOf(kh, length);
    }

    /** The version this batch writes. */
    public long version() {
        return version;
    }

    /** Number of new nodes. */
    public int nodeCount() {
        return nodeCount;
    }

    /** The key of new node {@code i} (made on each call). */
    public NodeKey nodeKey(int i) {
        checkNode(i);
        return new NodeKey(version, path(nodePaths[i], nodeSpecs[i]));
    }

    /** The number of nibbles in new node {@code i}'s path (0: a root). */
    public int nodeDepth(int i) {
        return nodeSpecs[checkNode(i)] & 0xFF;
    }

    /** New node {@code i}. */
    public Node node(int i) {
        return nodes[checkNode(i)];
    }

    private int checkNode(int i) {
        if (i < 0 || i >= nodeCount) {
            throw new IndexOutOfBoundsException("node " + i + " of " + nodeCount);
        }
        return i;
    }

    /** The stale-node index entries, all with {@code staleSinceVersion == version()} (made on first call). */
    public List<StaleNodeIndex> staleNodeIndices() {
        if (staleList == null) {
            List<StaleNodeIndex> out = new ArrayList<>(staleCount);
            for (int i = 0; i < staleCount; i++) {
                out.add(new StaleNodeIndex(version, staleKey(i)));
            }
            staleList = Collections.unmodifiableList(out);
        }
        return staleList;
    }

    /** Number of stale-node index entries. */
    public int staleCount() {
        return staleCount;
    }

    /** The version of the node stale entry {@code i} names (no key made). */
    public long staleVersion(int i) {
        checkStale(i);
        return staleVersions[i];
    }

    /** The number of nibbles in the path of the node stale entry {@code i} names (0: a root). */
    public int staleDepth(int i) {
        checkStale(i);
        return staleSpecs[i] & 0xFF;
    }

    /** The key of the node stale entry {@code i} names (made on each call). */
    public NodeKey staleKey(int i) {
        checkStale(i);
        return new NodeKey(staleVersions[i], path(stalePaths[i], staleSpecs[i]));
    }

    private void checkStale(int i) {
        if (i < 0 || i >= staleCount) {
            throw new IndexOutOfBoundsException("stale entry " + i + " of " + staleCount);
        }
    }

    /** Number of value writes. */
    public int valueCount() {
        return valueKeys.length;
    }

    /** The key hash of value write {@code i}. */
    public KeyHash valueKeyHash(int i) {
        return valueKeys[i];
    }

    /** The value of write {@code i}, or null for a deletion (not a copy: do not modify). */
    public byte[] value(int i) {
        return values[i];
    }

    /** The key hashes of the value writes, in order (a copy). */
    public List<KeyHash> valueKeyHashes() {
        return List.of(valueKeys);
    }

    /** Counts of new and stale nodes. */
    public NodeStats stats() {
        return new NodeStats(nodeCount, newLeaves, staleCount, staleLeaves);
    }

    KeyHash[] valueKeysRef() {
        return valueKeys;
    }

    /** A new node at the path {@code pathKey} and {@code spec} (see {@link #spec}) give. */
    void addNode(KeyHash pathKey, int spec, Node node) {
        ensureNodeRoom(1);
        nodes[nodeCount] = node;
        nodePaths[nodeCount] = pathKey;
        nodeSpecs[nodeCount] = spec;
        nodeCount++;
        if (node instanceof LeafNode) {
            newLeaves++;
        }
    }

    /**
     * Where this batch stands: its node and stale-entry counts and how many of each are leaves. Two
     * marks of one batch delimit the part of it written between them (see {@link #append}).
     */
    record Mark(int nodes, int stale, long newLeaves, long staleLeaves) {}

    /** The current {@link Mark}. */
    Mark mark() {
        return new Mark(nodeCount, staleCount, newLeaves, staleLeaves);
    }

    /**
     * Appends the nodes and stale entries {@code other} gained between {@code from} and {@code to}
     * (a part of this version computed by another updater), in their order. Copies references
     * only: it reads none of the nodes, which another core may have just written.
     */
    void append(TreeUpdateBatch other, Mark from, Mark to) {
        int n = to.nodes() - from.nodes();
        int s = to.stale() - from.stale();
        ensureNodeRoom(n);
        System.arraycopy(other.nodes, from.nodes(), nodes, nodeCount, n);
        System.arraycopy(other.nodePaths, from.nodes(), nodePaths, nodeCount, n);
        System.arraycopy(other.nodeSpecs, from.nodes(), nodeSpecs, nodeCount, n);
        nodeCount += n;
        ensureStaleRoom(s);
        System.arraycopy(other.staleVersions, from.stale(), staleVersions, staleCount, s);
        System.arraycopy(other.stalePaths, from.stale(), stalePaths, staleCount, s);
        System.arraycopy(other.staleSpecs, from.stale(), staleSpecs, staleCount, s);
        staleCount += s;
        staleList = null;
        newLeaves += to.newLeaves() - from.newLeaves();
        staleLeaves += to.staleLeaves() - from.staleLeaves();
    }

    /** A stale entry for the node of {@code nodeVersion} at the path {@code pathKey} and {@code spec} give. */
    void addStale(long nodeVersion, KeyHash pathKey, int spec, boolean leaf) {
        ensureStaleRoom(1);
        staleVersions[staleCount] = nodeVersion;
        stalePaths[staleCount] = pathKey;
        staleSpecs[staleCount] = spec;
        staleCount++;
        staleList = null;
        if (leaf) {
            staleLeaves++;
        }
    }

    /** Grows the node arrays, when needed, to take {@code more} nodes (at least doubling). */
    private void ensureNodeRoom(int more) {
        if (nodeCount + more > nodes.length) {
            int capacity = Math.max(nodes.length * 2, nodeCount + more);
            nodes = Arrays.copyOf(nodes, capacity);
            nodePaths = Arrays.copyOf(nodePaths, capacity);
            nodeSpecs = Arrays.copyOf(nodeSpecs, capacity);
        }
    }

    /** Grows the stale-entry arrays, when needed, to take {@code more} entries (at least doubling). */
    private void ensureStaleRoom(int more) {
        if (staleCount + more > staleVersions.length) {
            int capacity = Math.max(staleVersions.length * 2, staleCount + more);
            staleVersions = Arrays.copyOf(staleVersions, capacity);
            stalePaths = Arrays.copyOf(stalePaths, capacity);
            staleSpecs = Arrays.copyOf(staleSpecs, capacity);
        }
    }

    @Override
    public String toString() {
        return "TreeUpdateBatch(v" + Long.toUnsignedString(version) + ", " + stats() + ", " + valueKeys.length + " values)";
    }
}
