package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The price index agrees with a TreeMap on lookups and nearest keys, for keys of every width. */
class PriceRadixTreeTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void agreesWithATreeMapOnGetLowerAndHigher(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PriceRadixTree tree = new PriceRadixTree(1);
        TreeMap<Long, Integer> ref = new TreeMap<>();
        long[] pool = new long[400];
        for (int i = 0; i < pool.length; i++) {
            // Keys of every width, clustered so that nodes fill, empty and get reused.
            int bits = 1 + rnd.nextInt(63);
            pool[i] = rnd.nextLong(1L << (bits - 1), bits == 63 ? Long.MAX_VALUE : (1L << bits)) ;
            if (i % 3 == 0) {
                pool[i] = 1000 + rnd.nextInt(300);
            }
        }
        for (int step = 0; step < 20_000; step++) {
            long key = rnd.nextInt(10) == 0 ? rnd.nextLong(0, Long.MAX_VALUE) : pool[rnd.nextInt(pool.length)];
            if (rnd.nextBoolean()) {
                if (!ref.containsKey(key)) {
                    tree.put(key, step);
                    ref.put(key, step);
                } else {
                    tree.remove(key);
                    ref.remove(key);
                }
            }
            assertThat(tree.get(key)).isEqualTo(value(ref.get(key)));
            assertThat(tree.lower(key)).as("lower %d", key).isEqualTo(value(ref.lowerEntry(key)));
            assertThat(tree.higher(key)).as("higher %d", key).isEqualTo(value(ref.higherEntry(key)));
        }
        for (long key : ref.keySet().toArray(Long[]::new)) {
            tree.remove(key);
        }
        assertThat(tree.nodesInUse()).isEqualTo(1);
        assertThat(tree.lower(Long.MAX_VALUE)).isEqualTo(PriceRadixTree.NIL);
    }

    private static int value(Integer v) {
        return v == null ? PriceRadixTree.NIL : v;
    }

    private static int value(Map.Entry<Long, Integer> e) {
        return e == null ? PriceRadixTree.NIL : e.getValue();
    }
}
