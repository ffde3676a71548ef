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
    private final long version;
    private NodeKey[] nodeKeys = new NodeKey[16];
    private Node[] nodes = new Node[16];
    private int nodeCount;
    private final ArrayList<StaleNodeIndex> stale = new ArrayList<>();
    private final KeyHash[] valueKeys;
    private final byte[][] values;
    private long newLeaves;
    private long staleLeaves;

    TreeUpdateBatch(long version, KeyHash[] valueKeys, byte[][] values) {
        this.version = version;
        this.valueKeys = valueKeys;
        this.values = values;
    }

    /** The version this batch writes. */
    public long version() {
        return version;
    }

    /** Number of new nodes. */
    public int nodeCount() {
        return nodeCount;
    }

    /** The key of new node {@code i}. */
    public NodeKey nodeKey(int i) {
        return nodeKeys[checkNode(i)];
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

    /** The stale-node index entries, all with {@code staleSinceVersion == version()}. */
    public List<StaleNodeIndex> staleNodeIndices() {
        return Collections.unmodifiableList(stale);
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
        return new NodeStats(nodeCount, newLeaves, stale.size(), staleLeaves);
    }

    KeyHash[] valueKeysRef() {
        return valueKeys;
    }

    void addNode(NodeKey key, Node node) {
        if (nodeCount == nodes.length) {
            nodes = Arrays.copyOf(nodes, nodeCount * 2);
            nodeKeys = Arrays.copyOf(nodeKeys, nodeCount * 2);
        }
        nodeKeys[nodeCount] = key;
        nodes[nodeCount] = node;
        nodeCount++;
        if (node instanceof LeafNode) {
            newLeaves++;
        }
    }

    /** Appends {@code other}'s nodes and stale entries (a part of this version computed on another thread). */
    void addAll(TreeUpdateBatch other) {
        for (int i = 0; i < other.nodeCount; i++) {
            addNode(other.nodeKeys[i], other.nodes[i]);
        }
        stale.addAll(other.stale);
        staleLeaves += other.staleLeaves;
    }

    void addStale(NodeKey key, boolean leaf) {
        stale.add(new StaleNodeIndex(version, key));
        if (leaf) {
            staleLeaves++;
        }
    }

    @Override
    public String toString() {
        return "TreeUpdateBatch(v" + Long.toUnsignedString(version) + ", " + stats() + ", " + valueKeys.length + " values)";
    }
}
