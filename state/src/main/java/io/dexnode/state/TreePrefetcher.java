package io.dexnode.state;

import io.dexnode.jmt.InternalNode;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.NibblePath;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Walks the tree ahead of a batch update, one level at a time, and loads every node the update
 * will read — the path from the root to each updated key — with one multi-get per level instead
 * of one point read per node. A commit of K updates into a large tree reads about K leaves that
 * no bounded cache holds; fetched together they cost a fraction of K separate reads.
 *
 * <p>The walk follows exactly the descent of the update (split the sorted key hashes by nibble,
 * follow the children that exist), so it loads nothing the update does not need. The rare extra
 * read (a leaf rising after its siblings were deleted) falls through to the normal read path.
 */
final class TreePrefetcher {

    /** Where nodes come from. */
    interface Source {
        /** The node if it is already in memory, else null. */
        Node cached(NodeKey key);

        /** Loads {@code keys} from storage, same order; a missing node is corruption. */
        List<Node> load(List<NodeKey> keys);
    }

    private record Pending(NodeKey key, int lo, int hi, int depth) {}

    private TreePrefetcher() {}

    /**
     * Loads every node on the paths to {@code sorted} (key hashes in ascending order) below
     * {@code root}; returns the nodes it loaded (not those already cached), by key.
     */
    static HashMap<NodeKey, Node> prefetch(Source source, NodeKey root, KeyHash[] sorted) {
        HashMap<NodeKey, Node> out = new HashMap<>(Math.max(16, sorted.length * 4));
        if (sorted.length == 0) {
            return out;
        }
        List<Pending> level = new ArrayList<>();
        level.add(new Pending(root, 0, sorted.length, 0));
        while (!level.isEmpty()) {
            Node[] nodes = new Node[level.size()];
            List<NodeKey> missing = new ArrayList<>();
            List<Integer> missingAt = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                NodeKey k = level.get(i).key();
                nodes[i] = source.cached(k);
                if (nodes[i] == null) {
                    missing.add(k);
                    missingAt.add(i);
                }
            }
            if (!missing.isEmpty()) {
                List<Node> loaded = source.load(missing);
                for (int m = 0; m < loaded.size(); m++) {
                    nodes[missingAt.get(m)] = loaded.get(m);
                    if (loaded.get(m) != null) {
                        out.put(missing.get(m), loaded.get(m));
                    }
                }
            }
            List<Pending> next = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                Pending p = level.get(i);
                Node node = nodes[i];
                if (node == null) {
                    continue; // the update will report the missing node itself
                }
                if (node instanceof InternalNode in) {
                    expand(in, p, sorted, next);
                }
            }
            level = next;
        }
        return out;
    }

    private static void expand(InternalNode in, Pending p, KeyHash[] sorted, List<Pending> next) {
        int d = p.depth();
        int i = p.lo();
        while (i < p.hi()) {
            int n = sorted[i].nibble(d);
            int j = i + 1;
            while (j < p.hi() && sorted[j].nibble(d) == n) {
                j++;
            }
            if (in.hasChild(n)) {
                next.add(new Pending(new NodeKey(in.childVersion(n), NibblePath.prefixOf(sorted[i], d + 1)), i, j, d + 1));
            }
            i = j;
        }
    }
}
