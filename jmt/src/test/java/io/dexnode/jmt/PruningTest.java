package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pruning by the stale-node index: every retained version still reads and proves, nothing
 * reachable from a retained root is gone, nothing else is left behind (meaningful for the indexed
 * store, which counts stored nodes; the linked one counts reachable nodes), and pruned versions
 * fail with a clear error. Both store modes.
 */
class PruningTest {

    @ParameterizedTest
    @CsvSource({"5,true", "6,true", "77,true", "31337,true", "5,false", "6,false", "77,false", "31337,false"})
    void retainedVersionsReadAndProveAndPrunedOnesFailClearly(long seed, boolean linked) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore(linked);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        NaiveSparseMerkleTree naive = new NaiveSparseMerkleTree();
        List<KeyHash> pool = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            pool.add(KeyHash.of(RandomizedTreeTest.randomBytes(rnd, 8)));
        }
        List<NaiveSparseMerkleTree> history = new ArrayList<>();
        long least = 0;
        for (long v = 0; v < 40; v++) {
            List<ValueUpdate> batch = RandomizedTreeTest.randomBatch(rnd, pool, naive, v);
            store.write(tree.putValueSet(v, batch).batch());
            naive.apply(batch);
            history.add(naive.copy());
            if (v % 9 == 8) {
                least = v - rnd.nextInt(4);
                store.prune(least);
                checkAfterPrune(store, tree, history, pool, least, v);
            }
        }
        // Pruning to the latest version keeps exactly the latest tree.
        store.prune(39);
        checkAfterPrune(store, tree, history, pool, 39, 39);
        assertThat(store.valueKeyCount()).isEqualTo(naive.entries().size());
        assertThat(store.valueEntryCount()).isEqualTo(naive.entries().size());
    }

    private static void checkAfterPrune(InMemoryTreeStore store, JellyfishMerkleTree tree,
            List<NaiveSparseMerkleTree> history, List<KeyHash> pool, long least, long latest) {
        Set<NodeKey> reachable = new HashSet<>();
        for (long v = least; v <= latest; v++) {
            NaiveSparseMerkleTree then = history.get((int) v);
            assertThat(tree.rootHash(v)).isEqualTo(then.root());
            collect(store, NodeKey.root(v), reachable);
            for (KeyHash k : pool) {
                assertThat(tree.get(k, v)).isEqualTo(then.get(k));
                ValueWithProof vp = tree.getWithProof(k, v);
                assertThat(vp.value()).isEqualTo(then.get(k));
                assertThat(vp.proof().verify(then.root(), k, then.get(k))).isTrue();
            }
        }
        // Nothing reachable is gone (collect throws on a hole) and nothing unreachable is left.
        assertThat(store.nodeCount()).as("nodes left after pruning to %d", least).isEqualTo(reachable.size());
        for (long v = 0; v < least; v++) {
            long pruned = v;
            assertThatThrownBy(() -> tree.rootHash(pruned)).isInstanceOf(MissingRootException.class)
                    .hasMessageContaining("probably pruned");
            assertThatThrownBy(() -> tree.getWithProof(pool.get(0), pruned)).isInstanceOf(MissingRootException.class);
            assertThatThrownBy(() -> tree.get(pool.get(0), pruned)).isInstanceOf(MissingRootException.class);
        }
    }

    private static void collect(InMemoryTreeStore store, NodeKey key, Set<NodeKey> out) {
        Node node = store.getNode(key);
        assertThat(node).as("node %s reachable from a retained root", key).isNotNull();
        if (!out.add(key)) {
            return;
        }
        if (node instanceof InternalNode in) {
            for (InternalNode.Child c : in.children()) {
                collect(store, new NodeKey(c.version(), key.path().child(c.nibble())), out);
            }
        }
    }
}
