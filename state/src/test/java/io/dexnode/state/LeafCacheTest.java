package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.LeafNode;
import io.dexnode.jmt.NibblePath;
import io.dexnode.jmt.NodeKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeafCacheTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void returnsExactlyTheStoredLeafOrNothing(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LeafCache cache = new LeafCache(4096);
        List<NodeKey> keys = new ArrayList<>();
        List<LeafNode> leaves = new ArrayList<>();
        Set<NodeKey> used = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] kh = new byte[32];
            byte[] vh = new byte[32];
            KeyHash hash;
            NodeKey key;
            // Node keys are unique, as in a tree: (version, path) is written once. Four leaves a
            // version on paths of 2 to 9 nibbles do collide now and then; draw again.
            do {
                r.nextBytes(kh);
                r.nextBytes(vh);
                hash = KeyHash.fromBytes(kh);
                key = new NodeKey(i / 4, NibblePath.prefixOf(hash, 2 + r.nextInt(8)));
            } while (!used.add(key));
            LeafNode leaf = new LeafNode(hash, vh);
            cache.put(key, leaf);
            keys.add(key);
            leaves.add(leaf);
        }
        int hits = 0;
        for (int i = 0; i < keys.size(); i++) {
            LeafNode got = cache.get(keys.get(i));
            if (got != null) {
                hits++;
                assertThat(got).isEqualTo(leaves.get(i));
            }
        }
        assertThat(cache.size()).isLessThanOrEqualTo(4096);
        assertThat(hits).isGreaterThan(2000);
        int last = keys.size() - 1;
        assertThat(cache.get(keys.get(last))).isEqualTo(leaves.get(last));
        cache.remove(keys.get(last));
        assertThat(cache.get(keys.get(last))).isNull();
        assertThat(cache.get(new NodeKey(999_999, NibblePath.EMPTY))).isNull();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void holdsEveryLiveLeafWhenLargeEnough(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LeafCache cache = new LeafCache(1 << 16);
        List<NodeKey> live = new ArrayList<>();
        List<LeafNode> liveLeaves = new ArrayList<>();
        Set<NodeKey> used = new HashSet<>();
        for (int v = 0; v < 200; v++) {
            for (int i = 0; i < 100; i++) {
                byte[] kh = new byte[32];
                NodeKey key;
                // Unique, as in a tree: 100 paths of 4 nibbles in one version do collide; draw again.
                do {
                    r.nextBytes(kh);
                    key = new NodeKey(v, NibblePath.prefixOf(KeyHash.fromBytes(kh), 4));
                } while (!used.add(key));
                LeafNode leaf = new LeafNode(KeyHash.fromBytes(kh), kh.clone());
                cache.put(key, leaf);
                live.add(key);
                liveLeaves.add(leaf);
            }
            // Each version makes 100 random older leaves stale.
            for (int i = 0; i < 100 && live.size() > 100; i++) {
                int victim = r.nextInt(live.size() - 100);
                cache.remove(live.remove(victim));
                liveLeaves.remove(victim);
            }
        }
        assertThat(cache.size()).isEqualTo(live.size());
        for (int i = 0; i < live.size(); i++) {
            assertThat(cache.get(live.get(i))).isEqualTo(liveLeaves.get(i));
        }
    }
}
