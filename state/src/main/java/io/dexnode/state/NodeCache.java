package io.dexnode.state;

import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU of decoded tree nodes. Every commit walks from the root down through the same
 * upper levels and then reads the nodes the previous commit wrote; keeping those decoded saves a
 * RocksDB read and a decode per touched node. Nodes are immutable and a node key is written once,
 * so a cached node is never stale; pruned nodes are dropped so they do not hold memory.
 * Thread-safe (one monitor: commits and proofs both read it).
 */
final class NodeCache {
    private final int capacity;
    private final LinkedHashMap<NodeKey, Node> map;

    NodeCache(int capacity) {
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.max(16, Math.min(capacity, 1 << 20)), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<NodeKey, Node> eldest) {
                return size() > NodeCache.this.capacity;
            }
        };
    }

    synchronized Node get(NodeKey key) {
        return capacity == 0 ? null : map.get(key);
    }

    synchronized void put(NodeKey key, Node node) {
        if (capacity > 0) {
            map.put(key, node);
        }
    }

    synchronized void remove(NodeKey key) {
        map.remove(key);
    }

    synchronized int size() {
        return map.size();
    }
}
