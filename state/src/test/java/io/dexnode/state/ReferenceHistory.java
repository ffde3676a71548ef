package io.dexnode.state;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.ValueUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The obviously-correct model: a full copy of the key/value map at every version, the keys each
 * version wrote, and roots recomputed from scratch (a fresh tree holding just that version's keys).
 */
final class ReferenceHistory {
    final TreeMap<Long, TreeMap<byte[], byte[]>> states = new TreeMap<>();
    final TreeMap<Long, TreeSet<byte[]>> written = new TreeMap<>();
    final TreeMap<Long, byte[]> roots = new TreeMap<>();

    void apply(long version, WriteSet ws) {
        TreeMap<byte[], byte[]> next = newMap();
        if (!states.isEmpty()) {
            next.putAll(states.lastEntry().getValue());
        }
        TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        ws.forEach((k, v) -> {
            keys.add(k);
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
        });
        states.put(version, next);
        written.put(version, keys);
        roots.put(version, rootOf(next));
    }

    /** The state as of {@code version} (the newest committed at or below it). */
    TreeMap<byte[], byte[]> at(long version) {
        Map.Entry<Long, TreeMap<byte[], byte[]>> e = states.floorEntry(version);
        return e == null ? newMap() : e.getValue();
    }

    long latest() {
        return states.lastKey();
    }

    /** Keys written in (from, to], sorted. */
    List<byte[]> changed(long fromExclusive, long toInclusive) {
        TreeSet<byte[]> out = new TreeSet<>(Arrays::compareUnsigned);
        for (TreeSet<byte[]> s : written.subMap(fromExclusive, false, toInclusive, true).values()) {
            out.addAll(s);
        }
        return new ArrayList<>(out);
    }

    static TreeMap<byte[], byte[]> newMap() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /** The root of a tree built from nothing with exactly these entries. */
    static byte[] rootOf(Map<byte[], byte[]> state) {
        InMemoryTreeStore store = new InMemoryTreeStore();
        List<ValueUpdate> updates = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : state.entrySet()) {
            updates.add(ValueUpdate.put(KeyHash.of(e.getKey()), e.getValue()));
        }
        return new JellyfishMerkleTree(store).putValueSet(0, updates).rootHash();
    }
}
