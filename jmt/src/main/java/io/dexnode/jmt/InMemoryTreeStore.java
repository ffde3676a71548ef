package io.dexnode.jmt;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;

/**
 * A complete tree store in memory: nodes by key, the stale-node index, versioned values and key
 * preimages. For tests, tools ({@code dexnode jmt}) and benchmarks; the node's durable store is
 * the RocksDB one in the {@code state} module.
 *
 * <p>Stale entries and value writes are kept in version order (versions only grow), so pruning
 * walks just what became prunable, never the whole store, and never depends on hash order.
 * Not thread-safe: confine an instance to one thread or guard it externally.
 */
public final class InMemoryTreeStore implements TreeReader, TreeWriter, PreimageReader {
    private final HashMap<NodeKey, Node> nodes = new HashMap<>();
    private final ArrayDeque<StaleNodeIndex> staleIndex = new ArrayDeque<>();
    private final HashMap<KeyHash, ValueHistory> values = new HashMap<>();
    private final ArrayDeque<WrittenKeys> valueLog = new ArrayDeque<>();
    private final HashMap<KeyHash, byte[]> preimages = new HashMap<>();
    private boolean anyWrite;
    private long lastVersion;

    /** The keys a version wrote values for, so that value pruning visits only those. */
    private record WrittenKeys(long version, KeyHash[] keys) {}

    @Override
    public Node getNode(NodeKey key) {
        return nodes.get(key);
    }

    @Override
    public byte[] getValue(long maxVersion, KeyHash keyHash) {
        ValueHistory h = values.get(keyHash);
        return h == null ? null : h.at(maxVersion);
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
        for (int i = 0; i < batch.nodeCount(); i++) {
            nodes.put(batch.nodeKey(i), batch.node(i));
        }
        staleIndex.addAll(batch.staleNodeIndices());
        KeyHash[] keys = batch.valueKeysRef();
        for (int i = 0; i < keys.length; i++) {
            values.computeIfAbsent(keys[i], k -> new ValueHistory()).add(v, batch.value(i));
        }
        if (keys.length > 0) {
            valueLog.add(new WrittenKeys(v, keys));
        }
        anyWrite = true;
        lastVersion = v;
    }

    /**
     * Deletes every node that no version ≥ {@code leastReadableVersion} contains (stale-since ≤ L,
     * spec §2.5), with its index entry. Returns the number of nodes deleted.
     */
    public int pruneStaleNodes(long leastReadableVersion) {
        int removed = 0;
        while (!staleIndex.isEmpty()
                && Long.compareUnsigned(staleIndex.peekFirst().staleSinceVersion(), leastReadableVersion) <= 0) {
            if (nodes.remove(staleIndex.pollFirst().nodeKey()) != null) {
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
            for (KeyHash kh : valueLog.pollFirst().keys()) {
                ValueHistory h = values.get(kh);
                if (h != null) {
                    dropped += h.pruneBelow(leastReadableVersion);
                    if (h.isEmpty()) {
                        values.remove(kh);
                    }
                }
            }
        }
        return dropped;
    }

    /** Prunes nodes and values so that versions ≥ {@code leastReadableVersion} stay readable. */
    public void prune(long leastReadableVersion) {
        pruneStaleNodes(leastReadableVersion);
        pruneValues(leastReadableVersion);
    }

    /** Number of stored nodes. */
    public int nodeCount() {
        return nodes.size();
    }

    /** Number of stale-node index entries not yet pruned. */
    public int staleIndexSize() {
        return staleIndex.size();
    }

    /** Number of keys with at least one value entry (live or tombstone). */
    public int valueKeyCount() {
        return values.size();
    }

    /** Number of value entries over all keys. */
    public long valueEntryCount() {
        long n = 0;
        for (ValueHistory h : values.values()) {
            n += h.size;
        }
        return n;
    }

    /** One key's values by version, ascending; a null value is a deletion. */
    private static final class ValueHistory {
        private long[] versions = new long[1];
        private byte[][] entries = new byte[1][];
        private int size;

        void add(long version, byte[] value) {
            if (size > 0 && versions[size - 1] == version) {
                entries[size - 1] = value;
                return;
            }
            if (size == versions.length) {
                versions = Arrays.copyOf(versions, size * 2);
                entries = Arrays.copyOf(entries, size * 2);
            }
            versions[size] = version;
            entries[size] = value;
            size++;
        }

        /** Index of the newest entry with version ≤ max, or -1. */
        private int newestAtOrBelow(long max) {
            int lo = 0;
            int hi = size - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(versions[mid], max) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }

        byte[] at(long maxVersion) {
            int i = newestAtOrBelow(maxVersion);
            return i < 0 ? null : entries[i];
        }

        int pruneBelow(long horizon) {
            int i = newestAtOrBelow(horizon);
            if (i < 0) {
                return 0;
            }
            int drop = entries[i] == null ? i + 1 : i;
            if (drop == 0) {
                return 0;
            }
            System.arraycopy(versions, drop, versions, 0, size - drop);
            System.arraycopy(entries, drop, entries, 0, size - drop);
            Arrays.fill(entries, size - drop, size, null);
            size -= drop;
            return drop;
        }

        boolean isEmpty() {
            return size == 0;
        }
    }
}
