package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.PreimageReader;
import io.dexnode.jmt.StaleNodeIndex;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.TreeUpdateBatch;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A {@link StateStore} held in memory, for tests and tools: the same tree logic as
 * {@link StateManager} (so the same roots for the same commits), the same version rules and the
 * same pruning promises, without RocksDB. Pruning runs inside the commit. Thread-safe by a single
 * monitor; not built for speed.
 */
public final class InMemoryStateStore implements StateStore {
    private final PruningConfig pruning;
    private final HashMap<NodeKey, Node> nodes = new HashMap<>();
    private final ArrayDeque<StaleNodeIndex> stale = new ArrayDeque<>();
    /** Per raw key, value by version; a null value is a deletion. */
    private final TreeMap<byte[], TreeMap<Long, byte[]>> history = new TreeMap<>(Arrays::compareUnsigned);
    private final HashMap<KeyHash, byte[]> preimages = new HashMap<>();
    private final TreeMap<byte[], byte[]> latest = new TreeMap<>(Arrays::compareUnsigned);
    private final TreeMap<byte[], byte[]> extras = new TreeMap<>(Arrays::compareUnsigned);
    private final TreeMap<Long, byte[]> roots = new TreeMap<>();
    private final TreeMap<Long, byte[][]> changes = new TreeMap<>();
    private final Reader reader = new Reader();
    private long latestVersion = NO_VERSION;
    private long oldest = NO_VERSION;
    private boolean closed;

    /** A store that keeps every version. */
    public InMemoryStateStore() {
        this(PruningConfig.keepAll());
    }

    /** A store that keeps history as {@code pruning} says. */
    public InMemoryStateStore(PruningConfig pruning) {
        if (pruning == null) {
            throw new IllegalArgumentException("a store needs a pruning config");
        }
        this.pruning = pruning;
    }

    @Override
    public synchronized long latestVersion() {
        open();
        return latestVersion;
    }

    @Override
    public synchronized byte[] latestRoot() {
        open();
        return latestVersion == NO_VERSION ? io.dexnode.jmt.JellyfishMerkleTree.emptyRootHash() : roots.get(latestVersion).clone();
    }

    @Override
    public synchronized byte[] rootAt(long version) {
        open();
        Versions.checkReadable(version, oldest, latestVersion);
        byte[] root = roots.get(version);
        if (root == null) {
            throw new StateException("version " + version + " is not committed (no root)");
        }
        return root.clone();
    }

    @Override
    public synchronized byte[] commit(long version, WriteSet writes, WriteSet extraWrites) {
        open();
        if (writes == null) {
            throw new IllegalArgumentException("commit needs a write set (it may be empty)");
        }
        Versions.checkNext(version, latestVersion);
        TreeCommit.Prepared p = TreeCommit.prepare(reader, latestVersion, version, writes);
        TreeUpdateBatch batch = p.batch();
        for (int i = 0; i < batch.nodeCount(); i++) {
            nodes.put(batch.nodeKey(i), batch.node(i));
        }
        stale.addAll(p.stale());
        for (int i = 0; i < p.keys().length; i++) {
            byte[] key = p.keys()[i];
            byte[] value = p.values()[i];
            preimages.putIfAbsent(p.keyHashes()[i], key);
            history.computeIfAbsent(key, k -> new TreeMap<>()).put(version, value);
            if (value == null) {
                latest.remove(key);
            } else {
                latest.put(key, value);
            }
        }
        if (p.keys().length > 0) {
            changes.put(version, p.keys());
        }
        if (extraWrites != null) {
            extraWrites.forEach((k, v) -> {
                if (v == null) {
                    extras.remove(k);
                } else {
                    extras.put(k, v);
                }
            });
        }
        roots.put(version, p.root());
        if (latestVersion == NO_VERSION) {
            oldest = version;
        }
        latestVersion = version;
        prune();
        return p.root().clone();
    }

    private void prune() {
        long horizon = pruning.horizon(latestVersion);
        if (horizon <= oldest) {
            return;
        }
        oldest = horizon;
        while (!stale.isEmpty() && stale.peekFirst().staleSinceVersion() <= horizon) {
            nodes.remove(stale.pollFirst().nodeKey());
        }
        roots.headMap(horizon).clear();
        TreeMap<Long, byte[][]> old = new TreeMap<>(changes.headMap(horizon, true));
        changes.headMap(horizon).clear();
        TreeSet<byte[]> touched = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[][] keys : old.values()) {
            touched.addAll(Arrays.asList(keys));
        }
        for (byte[] key : touched) {
            TreeMap<Long, byte[]> h = history.get(key);
            if (h == null) {
                continue; // already emptied by an earlier pass
            }
            Map.Entry<Long, byte[]> visible = h.floorEntry(horizon);
            if (visible == null) {
                continue;
            }
            h.headMap(visible.getKey()).clear();
            if (visible.getValue() == null) {
                h.remove(visible.getKey());
            }
            if (h.isEmpty()) {
                history.remove(key);
            }
        }
    }

    @Override
    public synchronized byte[] get(byte[] key) {
        open();
        byte[] v = latest.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized byte[] get(byte[] key, long version) {
        open();
        Versions.checkReadable(version, oldest, latestVersion);
        byte[] v = valueAt(key, version);
        return v == null ? null : v.clone();
    }

    private byte[] valueAt(byte[] key, long version) {
        TreeMap<Long, byte[]> h = history.get(key);
        if (h == null) {
            return null;
        }
        Map.Entry<Long, byte[]> e = h.floorEntry(version);
        return e == null ? null : e.getValue();
    }

    @Override
    public synchronized List<byte[]> multiGet(List<byte[]> keys) {
        open();
        List<byte[]> out = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            byte[] v = latest.get(k);
            out.add(v == null ? null : v.clone());
        }
        return out;
    }

    @Override
    public synchronized void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        open();
        scan(latest, prefix, visitor);
    }

    private static void scan(TreeMap<byte[], byte[]> map, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        for (Map.Entry<byte[], byte[]> e : map.tailMap(prefix, true).entrySet()) {
            if (!startsWith(e.getKey(), prefix)) {
                break;
            }
            visitor.accept(e.getKey().clone(), e.getValue().clone());
        }
    }

    /** A view over a copy of the latest values (this store commits synchronously: nothing is ever in flight). */
    @Override
    public synchronized DurableView durableView() {
        open();
        TreeMap<byte[], byte[]> copy = new TreeMap<>(latest);
        long version = latestVersion;
        return new DurableView() {
            private volatile boolean closed;

            @Override
            public long version() {
                return version;
            }

            @Override
            public byte[] get(byte[] key) {
                usable();
                byte[] v = copy.get(key);
                return v == null ? null : v.clone();
            }

            @Override
            public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
                usable();
                scan(copy, prefix, (k, v) -> visitor.accept(ByteBuffer.wrap(k), ByteBuffer.wrap(v)));
            }

            private void usable() {
                if (closed) {
                    throw new StateException("the pinned view of version " + version + " is closed");
                }
                open();
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public synchronized StateProof getWithProof(byte[] key, long version) {
        byte[] root = rootAt(version);
        return Proofs.prove(reader, key, version, root);
    }

    @Override
    public synchronized List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
        open();
        checkChangeRange(fromExclusive, toInclusive, oldest, latestVersion);
        TreeSet<byte[]> out = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[][] keys : changes.subMap(fromExclusive, false, toInclusive, true).values()) {
            out.addAll(Arrays.asList(keys));
        }
        List<byte[]> list = new ArrayList<>(out.size());
        for (byte[] k : out) {
            list.add(k.clone());
        }
        return list;
    }

    /** The change log reaches back to the oldest retained version's own changes. */
    static void checkChangeRange(long fromExclusive, long toInclusive, long oldest, long latest) {
        if (toInclusive < fromExclusive) {
            throw new StateException("changedKeys range (" + fromExclusive + ", " + toInclusive + "] is reversed");
        }
        if (toInclusive > latest) {
            throw new StateException("version " + toInclusive + " is not committed; latest is " + latest);
        }
        if (fromExclusive + 1 < oldest && toInclusive > fromExclusive) {
            throw new StateException("version " + (fromExclusive + 1) + " pruned; oldest retained is " + oldest);
        }
    }

    @Override
    public synchronized byte[] getExtra(byte[] key) {
        open();
        byte[] v = extras.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        open();
        scan(extras, prefix, visitor);
    }

    @Override
    public synchronized void scanExtras(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
        open();
        for (Map.Entry<byte[], byte[]> e : extras.tailMap(from, true).entrySet()) {
            if (!startsWith(e.getKey(), prefix) || !visitor.test(e.getKey().clone(), e.getValue().clone())) {
                break;
            }
        }
    }

    @Override
    public synchronized long oldestRetainedVersion() {
        open();
        return oldest;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void open() {
        if (closed) {
            throw new StateException("the state store is closed");
        }
    }

    /** The tree's view of this store. */
    private final class Reader implements TreeReader, PreimageReader {
        @Override
        public Node getNode(NodeKey key) {
            return nodes.get(key);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            byte[] key = preimages.get(keyHash);
            return key == null ? null : valueAt(key, maxVersion);
        }

        @Override
        public byte[] preimage(KeyHash keyHash) {
            byte[] key = preimages.get(keyHash);
            return key == null ? null : key.clone();
        }
    }
}
