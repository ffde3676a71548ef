package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.TreeUpdateBatch;
import io.dexnode.jmt.ValueUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A commit's tree nodes go to RocksDB in the byte order of their encoded keys. */
class NodeOrderTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void nodeOrderIsTheByteOrderOfTheEncodedNodeKeys(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore();
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<byte[]> written = new ArrayList<>();
        for (long version = 0; version < 40; version++) {
            List<ValueUpdate> updates = new ArrayList<>();
            int n = 1 + r.nextInt(version % 10 == 0 ? 2_000 : 200);
            for (int i = 0; i < n; i++) {
                byte[] key;
                if (!written.isEmpty() && r.nextInt(3) == 0) {
                    key = written.get(r.nextInt(written.size()));
                } else {
                    key = new byte[8];
                    r.nextBytes(key);
                    written.add(key);
                }
                byte[] value = r.nextInt(8) == 0 ? null : new byte[] {(byte) r.nextInt(), 1};
                updates.add(new ValueUpdate(KeyHash.of(key), value));
            }
            TreeUpdateBatch batch = tree.putValueSet(version, updates).batch();
            store.write(batch);

            int[] order = TreeCommit.nodeOrder(batch);
            byte[][] keys = new byte[order.length][];
            for (int i = 0; i < order.length; i++) {
                keys[i] = batch.nodeKey(order[i]).encode();
            }
            byte[][] sorted = keys.clone();
            Arrays.sort(sorted, Arrays::compareUnsigned);
            assertThat(keys).as("version %d", version).isEqualTo(sorted);
            assertThat(Arrays.stream(order).sorted().toArray())
                    .as("every node exactly once").isEqualTo(java.util.stream.IntStream.range(0, batch.nodeCount()).toArray());
        }
    }
}
