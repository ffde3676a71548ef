package io.dexnode.state;

import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.JmtException;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.NullNode;
import io.dexnode.jmt.StaleNodeIndex;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.TreeUpdateBatch;
import io.dexnode.jmt.TreeUpdateResult;
import io.dexnode.jmt.ValueUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The tree half of a commit, shared by {@link StateManager} and {@link InMemoryStateStore} so
 * that both compute the same roots from the same write sets.
 *
 * <p>The JMT builds version v on the root of v-1; the state allows gaps between versions (block
 * heights may skip). So the tree reads through a bridge that answers "root of v-1" with the root
 * of the latest committed version, and the stale entry the tree files for root(v-1) is filed for
 * the real previous root instead (or dropped when there was none). Roots do not depend on
 * versions, so a gap changes nothing in any hash.
 */
final class TreeCommit {
    private TreeCommit() {}

    /**
     * What one version writes: its root and the tree's batch, whose stale entries are read through
     * this record (after a gap, the entry the tree files for the phantom root of version - 1 is
     * filed for the real previous root instead, or dropped when there was none).
     *
     * @param root the new root
     * @param batch the tree's new nodes and stale entries
     * @param keys the raw keys written, in byte order
     * @param keyHashes their key hashes, same order
     * @param values their values (null = delete), same order
     * @param gapStale after a gap, the corrected stale entries' node keys; null otherwise
     */
    record Prepared(byte[] root, TreeUpdateBatch batch, byte[][] keys, KeyHash[] keyHashes, byte[][] values,
                    List<NodeKey> gapStale) {
        int staleCount() {
            return gapStale != null ? gapStale.size() : batch.staleCount();
        }

        /** The version of the node stale entry {@code i} names (no key made). */
        long staleVersion(int i) {
            return gapStale != null ? gapStale.get(i).version() : batch.staleVersion(i);
        }

        /** The key of the node stale entry {@code i} names. */
        NodeKey staleKey(int i) {
            return gapStale != null ? gapStale.get(i) : batch.staleKey(i);
        }

        /** The stale entries as index records (made on each call). */
        List<StaleNodeIndex> stale() {
            List<StaleNodeIndex> out = new ArrayList<>(staleCount());
            for (int i = 0; i < staleCount(); i++) {
                out.add(new StaleNodeIndex(batch.version(), staleKey(i)));
            }
            return out;
        }
    }

    /**
     * A write set with its key hashes, in raw-key order.
     *
     * @param keys the raw keys
     * @param keyHashes their key hashes
     * @param values their values (null = delete)
     */
    record Hashed(byte[][] keys, KeyHash[] keyHashes, byte[][] values) {
        /** The key hashes in tree (hash) order, for walking the tree ahead of the update. */
        KeyHash[] sortedHashes() {
            KeyHash[] sorted = keyHashes.clone();
            java.util.Arrays.sort(sorted);
            return sorted;
        }

    }

    /** Indexes of {@code keyHashes} in key-hash order. */
    static int[] hashOrder(KeyHash[] keyHashes) {
        return KeyHash.sortOrder(keyHashes);
    }

    /** Hashes every key of {@code writes}. */
    static Hashed hash(WriteSet writes) {
        int n = writes.size();
        byte[][] keys = new byte[n][];
        KeyHash[] hashes = new KeyHash[n];
        byte[][] values = new byte[n][];
        int[] i = {0};
        writes.forEach((k, v) -> {
            keys[i[0]] = k;
            hashes[i[0]] = KeyHash.of(k);
            values[i[0]] = v;
            i[0]++;
        });
        return new Hashed(keys, hashes, values);
    }

    /** Hashes writes given as sorted raw keys and their values (null = delete), as a change log holds them. */
    static Hashed hash(byte[][] keys, byte[][] values) {
        KeyHash[] hashes = new KeyHash[keys.length];
        for (int i = 0; i < keys.length; i++) {
            hashes[i] = KeyHash.of(keys[i]);
        }
        return new Hashed(keys, hashes, values);
    }

    /** Computes version {@code version} over {@code reader}, whose latest committed version is {@code latest}. */
    static Prepared prepare(TreeReader reader, long latest, long version, WriteSet writes) {
        return prepare(reader, latest, version, hash(writes), null);
    }

    /**
     * As {@link #prepare(TreeReader, long, long, WriteSet)}, with the keys already hashed and, for a
     * reader whose nodes stay resident, a helper thread for large batches (null: none).
     */
    static Prepared prepare(TreeReader reader, long latest, long version, Hashed h, java.util.concurrent.Executor helper) {
        byte[][] keys = h.keys();
        KeyHash[] hashes = h.keyHashes();
        byte[][] values = h.values();
        List<ValueUpdate> updates = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            updates.add(new ValueUpdate(hashes[i], values[i]));
        }
        TreeReader bridged = version - 1 == latest ? reader : new GapBridge(reader, latest, version);
        TreeUpdateResult result;
        try {
            result = new JellyfishMerkleTree(bridged).putValueSet(version, updates, helper);
        } catch (JmtException e) {
            throw new StateException("cannot compute version " + version + ": " + e.getMessage(), e);
        }
        TreeUpdateBatch batch = result.batch();
        List<NodeKey> gapStale = null;
        if (version - 1 != latest) {
            NodeKey phantom = NodeKey.root(version - 1);
            gapStale = new ArrayList<>(batch.staleCount());
            for (int i = 0; i < batch.staleCount(); i++) {
                NodeKey s = batch.staleKey(i);
                if (s.equals(phantom)) {
                    if (latest != StateStore.NO_VERSION) {
                        gapStale.add(NodeKey.root(latest));
                    }
                } else {
                    gapStale.add(s);
                }
            }
        }
        return new Prepared(result.rootHash(), batch, keys, hashes, values, gapStale);
    }

    /** Presents the latest root as the root of version - 1. */
    private record GapBridge(TreeReader reader, long latest, long version) implements TreeReader {
        @Override
        public Node getNode(NodeKey key) {
            if (key.version() == version - 1 && key.path().length() == 0) {
                if (latest == StateStore.NO_VERSION) {
                    return NullNode.INSTANCE;
                }
                return reader.getNode(NodeKey.root(latest));
            }
            return reader.getNode(key);
        }

        @Override
        public byte[] getValue(long maxVersion, KeyHash keyHash) {
            return reader.getValue(maxVersion, keyHash);
        }

        /**
         * As the wrapped reader: a linked (resident) tree must stay linked across a gap. Otherwise
         * the gap commit neither follows the latest tree's links (it reads every node it touches
         * from disk, where the previous commit may still be in flight) nor links the nodes it
         * writes (so the next commit, which trusts the links and does not wait for the writer,
         * reads them from disk too, before they are there).
         */
        @Override
        public boolean nodesStayResident() {
            return reader.nodesStayResident();
        }
    }
}
