package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KeyHash#sortOrder} is a stable sort by key hash: the order a comparator sort of the
 * indexes gives, including hashes that share their first 44 to 63 bits and repeated hashes.
 */
class KeyHashSortTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sortOrderIsTheStableComparatorOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int n : new int[] {0, 1, 2, 3, 17, 1_000, 20_000}) {
            KeyHash[] hashes = new KeyHash[n];
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(10);
                if (kind == 0 && i > 0) {
                    hashes[i] = hashes[r.nextInt(i)]; // a repeated key
                } else if (kind == 1 && i > 0) {
                    // the same first word up to its last few bits, the rest random
                    KeyHash o = hashes[r.nextInt(i)];
                    hashes[i] = KeyHash.ofWords(o.word(0) ^ r.nextInt(1 << 20), r.nextLong(), r.nextLong(), r.nextLong());
                } else if (kind == 2) {
                    hashes[i] = KeyHash.ofWords(r.nextBoolean() ? -1L : 0L, r.nextLong(), r.nextLong(), r.nextLong());
                } else {
                    hashes[i] = KeyHash.ofWords(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
                }
            }
            Integer[] expected = new Integer[n];
            for (int i = 0; i < n; i++) {
                expected[i] = i;
            }
            Arrays.sort(expected, Comparator.comparing((Integer i) -> hashes[i]));
            assertThat(KeyHash.sortOrder(hashes)).as("n = %d", n).containsExactly(Arrays.stream(expected).mapToInt(i -> i).toArray());
        }
    }
}
