package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch computed with a helper thread (value hashes and half of the root's subtrees there) is
 * the batch computed on one thread: the same root at every version, the same new nodes under the
 * same keys, the same stale entries — over trees that grow from empty, shrink to a handful of
 * keys (where the root may have only a few children) and take batches with repeated keys and
 * deletions of absent keys.
 */
@Timeout(120)
class ParallelUpdateTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void aBatchSplitOverTwoThreadsIsTheBatchOfOne(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        ExecutorService helper = Executors.newSingleThreadExecutor();
        try {
            InMemoryTreeStore alone = new InMemoryTreeStore();
            InMemoryTreeStore split = new InMemoryTreeStore();
            List<KeyHash> live = new ArrayList<>();
            for (long v = 0; v < 30; v++) {
                int size = v < 3 ? 3_000 + rnd.nextInt(3_000) : rnd.nextInt(4) == 0 ? rnd.nextInt(50) : 1_024 + rnd.nextInt(4_000);
                List<ValueUpdate> batch = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    int kind = rnd.nextInt(v > 20 ? 2 : 5);
                    if (kind == 0 && !live.isEmpty()) {
                        batch.add(ValueUpdate.delete(live.remove(rnd.nextInt(live.size()))));
                    } else if (kind == 1 && !live.isEmpty()) {
                        batch.add(ValueUpdate.put(live.get(rnd.nextInt(live.size())), value(rnd)));
                    } else {
                        KeyHash k = KeyHash.of(value(rnd));
                        live.add(k);
                        batch.add(ValueUpdate.put(k, value(rnd)));
                        if (rnd.nextInt(10) == 0) {
                            batch.add(ValueUpdate.put(k, value(rnd))); // a repeated key: the last write wins
                        }
                    }
                    if (rnd.nextInt(50) == 0) {
                        batch.add(ValueUpdate.delete(KeyHash.of(value(rnd)))); // absent
                    }
                }
                TreeUpdateResult one = new JellyfishMerkleTree(alone).putValueSet(v, batch);
                TreeUpdateResult two = new JellyfishMerkleTree(split).putValueSet(v, batch, helper);
                assertThat(two.rootHex()).as("root of version %d", v).isEqualTo(one.rootHex());
                assertThat(nodes(two.batch())).as("nodes of version %d", v).isEqualTo(nodes(one.batch()));
                assertThat(stale(two.batch())).as("stale entries of version %d", v).isEqualTo(stale(one.batch()));
                assertThat(two.batch().stats()).isEqualTo(one.batch().stats());
                alone.write(one.batch());
                split.write(two.batch());
            }
        } finally {
            helper.shutdownNow();
        }
    }

    private static byte[] value(SplittableRandom rnd) {
        byte[] b = new byte[1 + rnd.nextInt(40)];
        rnd.nextBytes(b);
        return b;
    }

    private static Map<NodeKey, String> nodes(TreeUpdateBatch b) {
        Map<NodeKey, String> out = new HashMap<>();
        for (int i = 0; i < b.nodeCount(); i++) {
            out.put(b.nodeKey(i), java.util.HexFormat.of().formatHex(NodeCodec.encode(b.node(i))));
        }
        return out;
    }

    private static Set<StaleNodeIndex> stale(TreeUpdateBatch b) {
        return new HashSet<>(b.staleNodeIndices());
    }
}
