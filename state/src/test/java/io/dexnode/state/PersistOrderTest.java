package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.NibblePath;
import io.dexnode.jmt.NodeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A persist writes its nodes in {@link NodeKey} order (a sorted run inserts fastest). The keys
 * come from a depth-first walk of the tree; {@link TreePersister#keyOrder} must give exactly the
 * order a full sort by {@link NodeKey#compareTo} gives, on its fast path (versions within 2^24)
 * and on its fallback (wider spans).
 */
class PersistOrderTest {

    @ParameterizedTest(name = "seed {0}, versions {1}..+{2}")
    @CsvSource({"1, 100, 50", "2, 0, 1", "3, 5000000, 4000", "4, 7, 16777216", "5, 1, 9000000000"})
    void walkOrderSortsLikeNodeKeys(long seed, long firstVersion, long span) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<NodeKey> walk = new ArrayList<>();
        visit(NibblePath.EMPTY, firstVersion + span, firstVersion, span, rnd, walk);
        assertThat(walk.size()).as("the walk visits a tree of many nodes").isGreaterThan(500);

        int[] order = TreePersister.keyOrder(walk);

        List<NodeKey> got = new ArrayList<>();
        for (int i : order) {
            got.add(walk.get(i));
        }
        List<NodeKey> expected = new ArrayList<>(walk);
        expected.sort(NodeKey::compareTo);
        assertThat(got).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void noKeysGiveAnEmptyOrder() {
        assertThat(TreePersister.keyOrder(List.of())).isEmpty();
    }

    /** As {@code LatestTree.collectUnpersisted}: the node, then its children in nibble order, each with a version not above its parent's. */
    private static void visit(NibblePath path, long version, long firstVersion, long span, SplittableRandom rnd,
                              List<NodeKey> out) {
        out.add(new NodeKey(version, path));
        if (path.length() >= 6) {
            return;
        }
        int childChance = path.length() < 2 ? 16 : 3;
        for (int nibble = 0; nibble < 16; nibble++) {
            if (rnd.nextInt(16) < childChance) {
                long childVersion = firstVersion + (version == firstVersion ? 0 : rnd.nextLong(version - firstVersion + 1));
                visit(path.child(nibble), childVersion, firstVersion, span, rnd, out);
            }
        }
    }
}
