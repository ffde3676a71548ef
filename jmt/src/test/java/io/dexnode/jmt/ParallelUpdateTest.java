package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batch computed with a helper thread (half of the value hashes and a share of the root's
 * subtrees there) is the batch computed on one thread: the same root at every version, the same
 * new nodes under the same keys in the same order, the same stale entries in the same order —
 * over trees that grow from empty, shrink to a handful of keys (where the root may have only a few
 * children) and take batches with repeated keys and deletions of absent keys. Whoever does which
 * subtree must not matter, so the helper is a real thread, runs inline at once (it claims every
 * subtree) or starts late (the caller has claimed them all, and the stale task runs into the next
 * version's work).
 */
@Timeout(120)
class ParallelUpdateTest {

    enum HelperKind { THREAD, INLINE, LATE }

    static Stream<Arguments> seedsAndHelpers() {
        return Stream.of(1L, 2L, 3L, 4L).flatMap(seed -> Stream.of(HelperKind.values()).map(kind -> Arguments.of(seed, kind)));
    }

    @ParameterizedTest(name = "seed {0}, helper {1}")
    @MethodSource("seedsAndHelpers")
    void aBatchSplitOverTwoThreadsIsTheBatchOfOne(long seed, HelperKind helperKind) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Executor helper = switch (helperKind) {
            case THREAD -> thread;
            case INLINE -> Runnable::run;
            case LATE -> task -> thread.execute(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                task.run();
            });
        };
        try {
            InMemoryTreeStore alone = new InMemoryTreeStore();
            InMemoryTreeStore split = new InMemoryTreeStore();
            List<KeyHash> live = new ArrayList<>();
            for (long v = 0; v < 30; v++) {
                int size = v < 3 ? 3_000 + rnd.nextInt(3_000) : rnd.nextInt(4) == 0 ? rnd.nextInt(50) : BatchUpdater.PARALLEL_MIN + rnd.nextInt(4_000);
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
                assertThat(nodes(two.batch())).as("nodes of version %d, in order", v).isEqualTo(nodes(one.batch()));
                assertThat(two.batch().staleNodeIndices()).as("stale entries of version %d, in order", v)
                        .isEqualTo(one.batch().staleNodeIndices());
                assertThat(two.batch().stats()).isEqualTo(one.batch().stats());
                alone.write(one.batch());
                split.write(two.batch());
            }
        } finally {
            thread.shutdownNow();
        }
    }

    private static byte[] value(SplittableRandom rnd) {
        byte[] b = new byte[1 + rnd.nextInt(40)];
        rnd.nextBytes(b);
        return b;
    }

    private static List<String> nodes(TreeUpdateBatch b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < b.nodeCount(); i++) {
            out.add(b.nodeKey(i) + " " + java.util.HexFormat.of().formatHex(NodeCodec.encode(b.node(i))));
        }
        return out;
    }
}
