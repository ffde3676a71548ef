package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.LeafNode;
import io.dexnode.jmt.NibblePath;
import io.dexnode.jmt.NodeKey;

/**
 * The current leaves, packed: for each a slot of ten longs (node version, path length, key hash,
 * value hash) in one array, about 80 bytes a leaf instead of the ~250 that a map of objects costs.
 *
 * <p>Why: updating a key reads its old leaf, and a tree of a million keys has a million leaves,
 * spread over the whole node column family; from RocksDB each costs a random read (~10 µs), which
 * was most of a commit's time. Leaves are immutable and a node key is written once, so an entry is
 * never wrong; a pruned leaf is simply never asked for again.
 *
 * <p>Only the committer uses it, and it only ever reads the latest tree, so a leaf is removed as
 * soon as a commit makes it stale: the table holds the live leaves and nothing else. Open
 * addressing with short linear probes and tombstones; the table doubles until it reaches its
 * maximum, after which a new leaf overwrites a probed slot (an arbitrary, cheap eviction). A
 * leaf's path is a prefix of its key hash, so the slot need not store the path. Not thread-safe.
 */
final class LeafCache {
    private static final int W = 10;
    private static final int PROBES = 8;
    private static final int MIN_SLOTS = 1 << 10;
    /**
     * Meta word of a removed entry; 0 is an empty slot, otherwise path length + 1 in the low half
     * and the node key's hash code in the high half, so a probe rarely compares paths.
     */
    private static final long TOMBSTONE = -1;

    private final int maxSlots;
    private long[] table;
    private int mask;
    private int count;
    private final byte[] scratch = new byte[KeyHash.LENGTH];

    LeafCache(int maxEntries) {
        int max = MIN_SLOTS;
        while (max < maxEntries && max < (1 << 28)) {
            max <<= 1;
        }
        this.maxSlots = maxEntries <= 0 ? 0 : max;
        if (maxSlots > 0) {
            allocate(Math.min(maxSlots, MIN_SLOTS));
        }
    }

    private void allocate(int slots) {
        table = new long[slots * W];
        mask = slots - 1;
        count = 0;
    }

    private static int slotOf(NodeKey key, int mask) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & mask;
    }

    /** The leaf stored under {@code key}, or null. */
    LeafNode get(NodeKey key) {
        int base = find(key);
        if (base < 0) {
            return null;
        }
        byte[] kh = new byte[KeyHash.LENGTH];
        byte[] vh = new byte[KeyHash.LENGTH];
        for (int i = 0; i < 4; i++) {
            Versions.putLongBE(kh, i * 8, table[base + 2 + i]);
            Versions.putLongBE(vh, i * 8, table[base + 6 + i]);
        }
        return new LeafNode(KeyHash.fromBytes(kh), vh);
    }

    /** The table offset of the entry under {@code key}, or -1. */
    private int find(NodeKey key) {
        if (maxSlots == 0) {
            return -1;
        }
        int s = slotOf(key, mask);
        long m = metaOf(key);
        for (int p = 0; p < PROBES; p++) {
            int base = ((s + p) & mask) * W;
            long meta = table[base + 1];
            if (meta == 0) {
                return -1;
            }
            if (meta == m && table[base] == key.version() && pathMatches(base, key.path())) {
                return base;
            }
        }
        return -1;
    }

    private static long metaOf(NodeKey key) {
        return ((long) key.hashCode() << 32) | (key.path().length() + 1L);
    }

    private boolean pathMatches(int base, NibblePath path) {
        for (int i = 0; i < path.length(); i++) {
            long word = table[base + 2 + (i >>> 4)];
            int nibble = (int) (word >>> (60 - ((i & 15) << 2))) & 0xF;
            if (nibble != path.nibble(i)) {
                return false;
            }
        }
        return true;
    }

    /** Forgets the leaf under {@code key}; false when it held none (e.g. an internal node's key). */
    boolean remove(NodeKey key) {
        int base = find(key);
        if (base < 0) {
            return false;
        }
        table[base + 1] = TOMBSTONE;
        count--;
        return true;
    }

    /** Remembers {@code leaf} under {@code key}. */
    void put(NodeKey key, LeafNode leaf) {
        if (maxSlots == 0) {
            return;
        }
        if (count * 2 > mask && mask + 1 < maxSlots) {
            grow();
        }
        leaf.keyHash().copyTo(scratch, 0);
        insert(key.version(), key.path().length(), key.hashCode(), scratch, leaf.valueHash(), key);
    }

    private void insert(long version, int pathLength, int hash, byte[] kh, byte[] vh, NodeKey key) {
        int s = slotOf(key, mask);
        long m = metaOf(key);
        int target = -1;
        for (int p = 0; p < PROBES; p++) {
            int slot = (s + p) & mask;
            int base = slot * W;
            long meta = table[base + 1];
            if (meta == 0 || meta == TOMBSTONE) {
                if (target < 0) {
                    target = slot;
                }
                if (meta == 0) {
                    break;
                }
            } else if (meta == m && table[base] == version && pathMatches(base, key.path())) {
                return; // already held: a node key is written once, so it is the same leaf
            }
        }
        if (target < 0) {
            target = s; // every probed slot is live: evict the first
        } else {
            count++;
        }
        int base = target * W;
        table[base] = version;
        table[base + 1] = m;
        for (int i = 0; i < 4; i++) {
            table[base + 2 + i] = Versions.getLongBE(kh, i * 8);
            table[base + 6 + i] = Versions.getLongBE(vh, i * 8);
        }
    }

    private void grow() {
        long[] old = table;
        allocate((mask + 1) * 2);
        byte[] kh = new byte[KeyHash.LENGTH];
        byte[] vh = new byte[KeyHash.LENGTH];
        for (int base = 0; base < old.length; base += W) {
            if (old[base + 1] == 0 || old[base + 1] == TOMBSTONE) {
                continue;
            }
            int len = (int) (old[base + 1] & 0xFFFF_FFFFL) - 1;
            for (int i = 0; i < 4; i++) {
                Versions.putLongBE(kh, i * 8, old[base + 2 + i]);
                Versions.putLongBE(vh, i * 8, old[base + 6 + i]);
            }
            NodeKey key = new NodeKey(old[base], NibblePath.prefixOf(KeyHash.fromBytes(kh), len));
            insert(old[base], len, key.hashCode(), kh, vh, key);
        }
    }

    /** Forgets everything and gives the table's memory back. */
    void clear() {
        if (maxSlots > 0) {
            allocate(MIN_SLOTS);
        }
    }

    /** Number of leaves held. */
    int size() {
        return count;
    }
}
