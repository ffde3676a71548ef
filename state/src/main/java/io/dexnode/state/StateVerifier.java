package io.dexnode.state;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.InternalNode;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeCodec;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.NullNode;
import io.dexnode.jmt.ValueUpdate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * {@code dexnode state verify}: an operator's integrity check of a state directory, read-only (a
 * running node may hold it). Damage that nothing reads at start — a flipped block in an old SST,
 * a change log that no longer matches its root — is found here instead of months later.
 *
 * <p>Four checks, each reported with what is wrong and where: every SST block's checksum
 * (RocksDB's own verification, naming the file); the tree persisted last, node by node (each
 * decodes, each parent's recorded child hashes are its children's, the root is the stored root
 * of its version); the change log of every later version, re-applied as a restart does, giving
 * every stored root; and the latest values themselves, hashed into a fresh tree, giving the
 * latest stored root.
 */
public final class StateVerifier {
    private static final HexFormat HEX = HexFormat.of();

    private StateVerifier() {}

    /**
     * One thing wrong.
     *
     * @param where the file, record or version it is in
     * @param what what is wrong
     */
    public record Problem(String where, String what) {
        @Override
        public String toString() {
            return where + ": " + what;
        }
    }

    /**
     * The outcome.
     *
     * @param problems what is wrong (empty: nothing found)
     * @param latestVersion the latest committed version (NO_VERSION: empty store)
     * @param persistedTree the tree checked node by node (NO_VERSION: none persisted)
     * @param nodesChecked its nodes
     * @param versionsReplayed later versions re-applied
     * @param latestKeys the latest values hashed
     */
    public record Report(List<Problem> problems, long latestVersion, long persistedTree, long nodesChecked,
                         long versionsReplayed, long latestKeys) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Verifies the state in {@code dir}, narrating each step to {@code log}. */
    public static Report verify(Path dir, PrintStream log) {
        List<Problem> problems = new ArrayList<>();
        StateDirectory disk;
        try {
            disk = StateDirectory.openReadOnly(dir, 64L << 20);
        } catch (StateException e) {
            problems.add(new Problem(dir.toString(), e.getMessage()));
            return new Report(problems, StateStore.NO_VERSION, StateStore.NO_VERSION, 0, 0, 0);
        }
        try (disk) {
            return verify(disk, problems, log);
        }
    }

    private static Report verify(StateDirectory disk, List<Problem> problems, PrintStream log) {
        log.println("checking every SST file's block checksums (RocksDB's verification) ...");
        try {
            disk.db.verifyChecksum();
            log.println("  ok");
        } catch (RocksDBException e) {
            problems.add(new Problem(fileNamedIn(e.getMessage(), disk.dir), "checksum verification failed: " + e.getMessage()));
        }
        long latest;
        long treeVersion;
        try {
            latest = disk.metaLong(RecordCodec.META_LATEST, StateStore.NO_VERSION, "latest version");
            treeVersion = disk.metaLong(RecordCodec.META_TREE, StateStore.NO_VERSION, "persisted tree version");
        } catch (StateException e) {
            problems.add(new Problem("metadata", e.getMessage()));
            return new Report(problems, StateStore.NO_VERSION, StateStore.NO_VERSION, 0, 0, 0);
        }
        if (latest == StateStore.NO_VERSION) {
            log.println("the store is empty (nothing committed)");
            return new Report(problems, latest, treeVersion, 0, 0, 0);
        }
        byte[] latestRoot = disk.get(disk.meta, RecordCodec.rootKey(latest));
        if (latestRoot == null) {
            problems.add(new Problem("metadata", "no root stored for the latest version " + latest));
            return new Report(problems, latest, treeVersion, 0, 0, 0);
        }
        long nodes = 0;
        if (treeVersion != StateStore.NO_VERSION) {
            log.printf("checking the tree persisted at version %d node by node ...%n", treeVersion);
            nodes = checkPersistedTree(disk, treeVersion, treeVersion < latest, log, problems);
            log.printf("  %,d nodes%n", nodes);
        }
        long replayed = 0;
        if (problems.isEmpty()) {
            log.printf("re-applying the change logs after version %d and checking every root ...%n", treeVersion);
            try {
                LatestTree tree = new LatestTree(disk, 1 << 22, treeVersion, null);
                TreeRecovery.Report r = TreeRecovery.replay(disk, tree, new AtomicReference<>(ChangeWindow.empty(treeVersion)),
                        keys -> { }, treeVersion, latest);
                replayed = r.versions();
                log.printf("  %,d versions, %,d key updates%n", r.versions(), r.keyUpdates());
            } catch (RuntimeException e) {
                problems.add(new Problem("change logs after version " + treeVersion, e.getMessage()));
            }
        }
        log.printf("hashing the latest values of version %d into a fresh tree ...%n", latest);
        long keys = checkLatestValues(disk, latest, latestRoot, problems);
        log.printf("  %,d keys%n", keys);
        return new Report(problems, latest, treeVersion, nodes, replayed, keys);
    }

    /** The SST (or other) file RocksDB's message names, else the directory. */
    private static String fileNamedIn(String message, Path dir) {
        if (message != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^ /]*/)*([0-9]+\\.(sst|log|blob))").matcher(message);
            if (m.find()) {
                return dir.resolve(m.group(2)).toString();
            }
        }
        return dir.toString();
    }

    /**
     * Walks the persisted tree; returns the nodes visited. Its root is checked against the stored
     * one; a store pruned by an earlier dexnode may have dropped that record (the pruner kept roots
     * only after the tree), and then, when later versions follow ({@code laterRootsChecked}), the
     * change logs re-applied on this tree check it through their roots instead.
     */
    private static long checkPersistedTree(StateDirectory disk, long version, boolean laterRootsChecked, PrintStream log,
                                           List<Problem> problems) {
        byte[] stored = disk.get(disk.meta, RecordCodec.rootKey(version));
        if (stored == null && !laterRootsChecked) {
            problems.add(new Problem("metadata", "no root stored for version " + version + ", whose tree is persisted"));
            return 0;
        }
        if (stored == null) {
            log.printf("  (no root stored for version %d, pruned by an earlier dexnode: the roots after it check this tree)%n",
                    version);
        }
        long[] count = {0};
        byte[] root = hashOf(disk, NodeKey.root(version), null, problems, count);
        if (root != null && stored != null && !Arrays.equals(root, stored)) {
            problems.add(new Problem("the tree persisted at version " + version, "its nodes hash to root " + HEX.formatHex(root)
                    + ", but the stored root of version " + version + " is " + HEX.formatHex(stored)));
        }
        return count[0];
    }

    /** The hash of the subtree under {@code key}, checking it against {@code expected} on the way; null if unreadable. */
    private static byte[] hashOf(StateDirectory disk, NodeKey key, byte[] expected, List<Problem> problems, long[] count) {
        if (problems.size() > 20) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = disk.db.get(disk.nodes, key.encode());
        } catch (RocksDBException e) {
            problems.add(new Problem("node " + key, "cannot be read: " + e.getMessage()));
            return null;
        }
        if (bytes == null) {
            problems.add(new Problem("node " + key, "missing"));
            return null;
        }
        count[0]++;
        Node node;
        try {
            node = NodeCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("node " + key, "does not decode: " + e.getMessage()));
            return null;
        }
        if (node instanceof InternalNode in) {
            for (int bits = in.existenceBitmap(); bits != 0; bits &= bits - 1) {
                int n = Integer.numberOfTrailingZeros(bits);
                hashOf(disk, new NodeKey(in.childVersion(n), key.path().child(n)), in.childHash(n), problems, count);
            }
        }
        byte[] hash = node.hash();
        if (expected != null && !Arrays.equals(hash, expected) && !(node instanceof NullNode)) {
            problems.add(new Problem("node " + key, "hashes to " + HEX.formatHex(hash) + ", but its parent records "
                    + HEX.formatHex(expected)));
        }
        return hash;
    }

    /** Hashes the latest values into a fresh tree; returns the number of keys. */
    private static long checkLatestValues(StateDirectory disk, long latest, byte[] latestRoot, List<Problem> problems) {
        List<ValueUpdate> updates = new ArrayList<>();
        try (RocksIterator it = disk.iterator(disk.latest)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                updates.add(ValueUpdate.put(KeyHash.of(it.key()), it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            problems.add(new Problem(fileNamedIn(e.getMessage(), disk.dir), "the latest values cannot be read: " + e.getMessage()));
            return updates.size();
        }
        byte[] root = updates.isEmpty() ? JellyfishMerkleTree.emptyRootHash()
                : new JellyfishMerkleTree(new InMemoryTreeStore()).putValueSet(0, updates).rootHash();
        if (!Arrays.equals(root, latestRoot)) {
            problems.add(new Problem("latest values", "the " + updates.size() + " latest values hash to root "
                    + HEX.formatHex(root) + ", but the stored root of the latest version " + latest + " is "
                    + HEX.formatHex(latestRoot)));
        }
        return updates.size();
    }
}
