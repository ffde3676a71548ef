package io.dexnode.state;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeCodec;
import io.dexnode.jmt.NodeKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the latest tree back on open: starts from the newest persisted tree and re-applies the
 * change log of every later committed version, in order, exactly as their commits computed them.
 * Every recomputed root must equal the root stored for its version, or the store refuses to open,
 * naming the version and both roots: values, change logs and roots that disagree are damage that
 * must not be served.
 *
 * <p>Fast because it is bounded and batched: the run to re-apply is at most what
 * {@link TreePersistence} lets accumulate; its change logs are read and hashed on two threads;
 * and the persisted tree's nodes that the run touches (the paths to every key it writes) are
 * loaded up front, a level at a time in large multi-gets, by two threads over the two halves of
 * the key space.
 *
 * <p>It writes nothing but the removal of nodes a crash left behind from a persist that did not
 * finish (their versions are above the newest persisted tree, so no tree refers to them); a kill
 * during the re-apply leaves the directory as it found it.
 */
final class TreeRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(TreeRecovery.class);

    private TreeRecovery() {}

    /** Told of each re-applied version, as the persister is of each commit. */
    interface Applied {
        void applied(int keyUpdates);
    }

    /** What re-applying took: versions and key updates re-applied, and how long. */
    record Report(long fromVersion, long versions, long keyUpdates, long nanos) {}

    /** One version to re-apply: its stored root and its change log, hashed. */
    private record Step(long version, byte[] storedRoot, TreeCommit.Hashed hashed) {}

    /**
     * Re-applies every committed version after {@code treeVersion} up to {@code latest} to
     * {@code tree} (which starts at the persisted tree of {@code treeVersion}), adding each to the
     * window and telling {@code applied}, as commits tell the persister.
     */
    static Report replay(StateDirectory disk, LatestTree tree, AtomicReference<ChangeWindow> window, Applied applied,
                         long treeVersion, long latest) {
        long t0 = System.nanoTime();
        if (!disk.readOnly) {
            removeOrphanNodes(disk, treeVersion);
        }
        tree.startAt(treeVersion);
        if (latest == StateStore.NO_VERSION || latest == treeVersion) {
            return new Report(treeVersion, 0, 0, System.nanoTime() - t0);
        }
        ExecutorService helper = DaemonExecutors.single("state-recovery");
        long updates = 0;
        List<Step> steps;
        long read;
        long loaded;
        int preloaded = 0;
        try {
            steps = readSteps(disk, treeVersion, latest, helper);
            read = System.nanoTime();
            if (treeVersion != StateStore.NO_VERSION) {
                Map<NodeKey, Node> paths = loadPaths(disk, treeVersion, steps, helper);
                preloaded = paths.size();
                tree.preload(paths);
            }
            loaded = System.nanoTime();
        } finally {
            helper.shutdownNow();
        }
        try {
            for (Step step : steps) {
                TreeCommit.Prepared p = tree.prepare(step.version(), step.hashed());
                if (!Arrays.equals(p.root(), step.storedRoot())) {
                    throw new StateException("the state at " + disk.dir + " does not recompute: re-applying the change log of"
                            + " version " + step.version() + " to the tree persisted at version " + treeVersion
                            + " gives root " + HexFormat.of().formatHex(p.root()) + ", but the root stored for version "
                            + step.version() + " is " + HexFormat.of().formatHex(step.storedRoot())
                            + "; the store refuses to open (run dexnode state verify --data " + disk.dir
                            + ", then restore a checkpoint or replay the chain)");
                }
                tree.apply(p, step.version());
                window.updateAndGet(w -> w.plus(VersionChanges.of(step.version(), p.root(), step.hashed())));
                applied.applied(step.hashed().keys().length);
                updates += step.hashed().keys().length;
            }
        } finally {
            tree.preload(Map.of());
        }
        long nanos = System.nanoTime() - t0;
        LOG.info("state tree rebuilt: re-applied {} versions ({} key updates) after the tree persisted at version {} in {} ms"
                        + " (change logs read and hashed {} ms, {} persisted nodes on their paths loaded {} ms, re-applied {} ms)",
                steps.size(), updates, treeVersion, nanos / 1_000_000, (read - t0) / 1_000_000, preloaded,
                (loaded - read) / 1_000_000, (System.nanoTime() - loaded) / 1_000_000);
        return new Report(treeVersion, steps.size(), updates, nanos);
    }

    /** Every committed version in (treeVersion, latest] with its root and hashed change log, in order. */
    private static List<Step> readSteps(StateDirectory disk, long treeVersion, long latest, ExecutorService helper) {
        List<Long> versions = new ArrayList<>();
        List<byte[]> roots = new ArrayList<>();
        try (RocksIterator it = disk.iterator(disk.meta)) {
            for (it.seek(RecordCodec.rootKey(treeVersion + 1)); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!RecordCodec.isVersionKey(key, RecordCodec.ROOT_PREFIX) || Versions.getLongBE(key, 1) > latest) {
                    break;
                }
                byte[] root = it.value();
                if (root.length != 32) {
                    throw new StateException("the state at " + disk.dir + " is corrupt: the root of version "
                            + Versions.getLongBE(key, 1) + " is " + root.length + " bytes");
                }
                versions.add(Versions.getLongBE(key, 1));
                roots.add(root);
            }
            StateDirectory.check(it);
        }
        Step[] steps = new Step[versions.size()];
        int half = steps.length / 2;
        // The later half on the helper, the earlier here: reading, decoding and hashing two ways.
        Future<?> later = helper.submit(() -> readSteps(disk, versions, roots, steps, half, steps.length));
        readSteps(disk, versions, roots, steps, 0, half);
        await(later);
        return Arrays.asList(steps);
    }

    private static Void readSteps(StateDirectory disk, List<Long> versions, List<byte[]> roots, Step[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            long version = versions.get(i);
            byte[] log = disk.get(disk.changes, Versions.longBE(version));
            RecordCodec.Changes c = log == null ? new RecordCodec.Changes(new byte[0][], new byte[0][])
                    : RecordCodec.decodeChanges(log);
            out[i] = new Step(version, roots.get(i), TreeCommit.hash(c.keys(), c.values()));
        }
        return null;
    }

    /**
     * The persisted tree's nodes on the paths to every key the steps write: what re-applying
     * them reads of it, loaded up front by two threads over the two halves of the key space.
     */
    private static Map<NodeKey, Node> loadPaths(StateDirectory disk, long treeVersion, List<Step> steps, ExecutorService helper) {
        int n = 0;
        for (Step s : steps) {
            n += s.hashed().keys().length;
        }
        KeyHash[] all = new KeyHash[n];
        int at = 0;
        for (Step s : steps) {
            KeyHash[] h = s.hashed().keyHashes();
            System.arraycopy(h, 0, all, at, h.length);
            at += h.length;
        }
        Arrays.sort(all);
        int distinct = 0;
        for (int i = 0; i < all.length; i++) {
            if (distinct == 0 || !all[i].equals(all[distinct - 1])) {
                all[distinct++] = all[i];
            }
        }
        KeyHash[] keys = Arrays.copyOf(all, distinct);
        NodeKey root = NodeKey.root(treeVersion);
        DiskSource source = new DiskSource(disk);
        int half = keys.length / 2;
        Future<HashMap<NodeKey, Node>> upper = helper.submit(
                () -> TreePrefetcher.prefetch(source, root, Arrays.copyOfRange(keys, half, keys.length)));
        HashMap<NodeKey, Node> nodes = TreePrefetcher.prefetch(source, root, Arrays.copyOf(keys, half));
        nodes.putAll(await(upper));
        return nodes;
    }

    /** Nodes straight from RocksDB (thread-safe: no caches). */
    private record DiskSource(StateDirectory disk) implements TreePrefetcher.Source {
        @Override
        public Node cached(NodeKey key) {
            return null;
        }

        @Override
        public List<Node> load(List<NodeKey> keys) {
            List<byte[]> encoded = new ArrayList<>(keys.size());
            for (NodeKey k : keys) {
                encoded.add(k.encode());
            }
            List<byte[]> values = disk.multiGet(disk.nodes, encoded, false);
            List<Node> out = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] v = values.get(i);
                try {
                    out.add(v == null ? null : NodeCodec.decode(v));
                } catch (IllegalArgumentException e) {
                    throw new StateException("the state at " + disk.dir + " is corrupt: node " + keys.get(i)
                            + " does not decode: " + e.getMessage(), e);
                }
            }
            return out;
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while rebuilding the state tree", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StateException se) {
                throw se;
            }
            throw new StateException("rebuilding the state tree failed: " + e.getCause(), e.getCause());
        }
    }

    /** Deletes nodes above the newest persisted tree: a persist a crash interrupted wrote them, and no tree holds them. */
    private static void removeOrphanNodes(StateDirectory disk, long treeVersion) {
        byte[] end = new byte[9];
        Arrays.fill(end, (byte) 0xFF);
        try (WriteOptions w = new WriteOptions().setSync(false)) {
            disk.db.deleteRange(disk.nodes, w, Versions.longBE(treeVersion + 1), end);
        } catch (org.rocksdb.RocksDBException e) {
            throw new StateException("cannot clean up the state at " + disk.dir + ": " + e.getMessage(), e);
        }
    }
}
