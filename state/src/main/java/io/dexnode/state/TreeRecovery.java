package io.dexnode.state;

import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /**
     * Re-applies every committed version after {@code treeVersion} up to {@code latest} to
     * {@code tree} (which starts at the persisted tree of {@code treeVersion}), adding each to the
     * window and telling the persister, as commits do.
     */
    static Report replay(StateDirectory disk, LatestTree tree, java.util.concurrent.atomic.AtomicReference<ChangeWindow> window,
                         Applied applied, long treeVersion, long latest) {
        long t0 = System.nanoTime();
        if (!disk.readOnly) {
            removeOrphanNodes(disk, treeVersion);
        }
        tree.startAt(treeVersion);
        if (latest == StateStore.NO_VERSION || latest == treeVersion) {
            return new Report(treeVersion, 0, 0, System.nanoTime() - t0);
        }
        long versions = 0;
        long updates = 0;
        // A helper reads, decodes and hashes the next version's change log while this one is applied.
        ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "state-recovery");
            t.setDaemon(true);
            return t;
        });
        try (RocksIterator roots = disk.iterator(disk.meta)) {
            roots.seek(RecordCodec.rootKey(treeVersion + 1));
            Future<Step> next = nextStep(disk, roots, latest, helper);
            while (true) {
                Step step = await(next);
                if (step == null) {
                    break;
                }
                next = nextStep(disk, roots, latest, helper);
                TreeCommit.Prepared p = tree.prepare(step.version(), step.hashed());
                if (!java.util.Arrays.equals(p.root(), step.storedRoot())) {
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
                versions++;
                updates += step.hashed().keys().length;
            }
        } finally {
            helper.shutdownNow();
        }
        long nanos = System.nanoTime() - t0;
        LOG.info("state tree rebuilt: re-applied {} versions ({} key updates) after the tree persisted at version {} in {} ms",
                versions, updates, treeVersion, nanos / 1_000_000);
        return new Report(treeVersion, versions, updates, nanos);
    }

    /** One version to re-apply: its stored root and its change log, hashed. */
    private record Step(long version, byte[] storedRoot, TreeCommit.Hashed hashed) {}

    /**
     * Reads the next root record (on this thread: the iterator is not thread-safe), then has the
     * helper read, decode and hash that version's change log.
     */
    private static Future<Step> nextStep(StateDirectory disk, RocksIterator roots, long latest, ExecutorService helper) {
        if (!roots.isValid()) {
            StateDirectory.check(roots);
            return CompletableFuture.completedFuture(null);
        }
        byte[] key = roots.key();
        if (!RecordCodec.isVersionKey(key, RecordCodec.ROOT_PREFIX)) {
            return CompletableFuture.completedFuture(null);
        }
        long version = Versions.getLongBE(key, 1);
        if (version > latest) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] root = roots.value();
        if (root.length != 32) {
            throw new StateException("the state at " + disk.dir + " is corrupt: the root of version " + version + " is "
                    + root.length + " bytes");
        }
        roots.next();
        return helper.submit(() -> {
            byte[] log = disk.get(disk.changes, Versions.longBE(version));
            RecordCodec.Changes c = log == null ? new RecordCodec.Changes(new byte[0][], new byte[0][])
                    : RecordCodec.decodeChanges(log);
            TreeCommit.Hashed h = TreeCommit.hash(c.keys(), c.values());
            return new Step(version, root, h);
        });
    }

    private static Step await(Future<Step> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while rebuilding the state tree", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StateException se) {
                throw se;
            }
            throw new StateException("reading a change log failed: " + e.getCause(), e.getCause());
        }
    }

    /** Deletes nodes above the newest persisted tree: a persist a crash interrupted wrote them, and no tree holds them. */
    private static void removeOrphanNodes(StateDirectory disk, long treeVersion) {
        byte[] end = new byte[9];
        java.util.Arrays.fill(end, (byte) 0xFF);
        try (WriteOptions w = new WriteOptions().setSync(false)) {
            disk.db.deleteRange(disk.nodes, w, Versions.longBE(treeVersion + 1), end);
        } catch (org.rocksdb.RocksDBException e) {
            throw new StateException("cannot clean up the state at " + disk.dir + ": " + e.getMessage(), e);
        }
    }
}
