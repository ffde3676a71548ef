package io.dexnode.state;

import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The internal nodes (and root) of the latest tree, decoded. A commit reads the path to every
 * updated key, and in a tree of N keys about N/3 internal nodes lie on those paths; keeping them
 * all decoded means a warm commit reads no internal node from disk.
 *
 * <p>Invariant: the cache holds only nodes of the latest tree. The committer inserts the nodes it
 * reads (all on the latest tree) and the nodes it writes, and removes, at every commit, the nodes
 * that version made stale. So nothing needs evicting: when the cache is full it just stops taking
 * new nodes until commits replace old ones. Readers (proofs) only look. Nodes are immutable.
 */
final class InternalNodeCache {
    private final int capacity;
    private final ConcurrentHashMap<NodeKey, Node> map = new ConcurrentHashMap<>();

    InternalNodeCache(int capacity) {
        this.capacity = capacity;
    }

    Node get(NodeKey key) {
        return capacity == 0 ? null : map.get(key);
    }

    /** Keeps {@code node} if there is room (committer only). */
    void offer(NodeKey key, Node node) {
        if (map.size() < capacity) {
            map.put(key, node);
        }
    }

    void remove(NodeKey key) {
        map.remove(key);
    }

    void clear() {
        map.clear();
    }

    int size() {
        return map.size();
    }
}
