package io.dexnode.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The account index's primitive map behaves as {@link java.util.HashMap} does under random puts,
 * removals and lookups — with key 0, negative keys, long probe runs (many keys in a small table)
 * and growth — so removal's backward shift never loses or strands an entry.
 */
class LongMapTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void behavesAsAHashMapUnderRandomPutsRemovalsAndLookups(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        AccountOrderIndex.LongMap<String> map = new AccountOrderIndex.LongMap<>();
        Map<Long, String> model = new HashMap<>();
        // Few distinct keys for the first seeds (dense clusters, mostly removals and re-puts), many for the others (growth).
        int range = seed <= 2 ? 100 : 20_000;
        for (int op = 0; op < 60_000; op++) {
            long key = rnd.nextInt(range) - range / 4; // negative keys and 0 too
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    String value = "v" + op;
                    map.put(key, value);
                    model.put(key, value);
                }
                case 1 -> assertThat(map.remove(key)).as("remove %d at op %d", key, op).isEqualTo(model.remove(key));
                default -> assertThat(map.get(key)).as("get %d at op %d", key, op).isEqualTo(model.get(key));
            }
            assertThat(map.size()).isEqualTo(model.size());
            if (op % 5_000 == 0) {
                for (long k = -range / 4; k < range - range / 4; k++) {
                    assertThat(map.get(k)).as("key %d at op %d", k, op).isEqualTo(model.get(k));
                }
            }
        }
        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(model.keySet().iterator().next())).isNull();
    }
}
