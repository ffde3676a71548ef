package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random histories over key hashes that share long prefixes (leaves split and collapse
 * across many nibble levels), checked after every batch against {@link SpecLiteralModel}: the
 * root, and the whole physical tree of spec §2.2 walked node by node — an internal node at every
 * nibble prefix shared by two or more live keys and nowhere else, a leaf at the shortest unique
 * prefix, each child's hash, leaf count and type as its parent records them, each node's hash
 * equal to the model's subtree hash, and every child found at (child version, path). Old
 * versions are re-walked after later writes and after pruning. Both store modes.
 */
class CanonicalShapeRandomizedTest {

    @ParameterizedTest(name = "seed {0}, linked {1}")
    @CsvSource({"11,true", "12,false", "13,true", "14,false", "15,true", "16,false"})
    void everyVersionHasTheCanonicalShapeAndTheModelsHashes(long seed, boolean linked) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore(linked);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<byte[]> pool = clusteredPool(rnd);
        SpecLiteralModel model = new SpecLiteralModel();
        List<SpecLiteralModel> history = new ArrayList<>();
        long least = 0;
        for (long v = 0; v < 45; v++) {
            List<ValueUpdate> batch = batch(rnd, pool, model);
            TreeUpdateResult r = tree.putValueSet(v, batch);
            store.write(r.batch());
            model.apply(batch);
            history.add(model.copy());
            String where = "seed " + seed + " v" + v;
            assertThat(HexFormat.of().formatHex(r.rootHash())).as(where).isEqualTo(HexFormat.of().formatHex(model.root()));
            assertThat(tree.leafCount(v)).as(where).isEqualTo(model.size());
            walk(store, v, model, where);
            // An older retained version is untouched by the later writes.
            long old = least + rnd.nextInt((int) (v - least + 1));
            walk(store, old, history.get((int) old), where + " re-walking v" + old);
            if (v % 11 == 10) {
                least = v - rnd.nextInt(3);
                store.prune(least);
                for (long w = least; w <= v; w++) {
                    walk(store, w, history.get((int) w), where + " after pruning to " + least + ", v" + w);
                }
                long gone = least - 1;
                assertThatThrownBy(() -> tree.rootHash(gone)).isInstanceOf(MissingRootException.class);
            }
        }
    }

    /** Four clusters of key hashes sharing 8 to 250 leading bits, plus the two extreme key hashes. */
    static List<byte[]> clusteredPool(SplittableRandom rnd) {
        List<byte[]> pool = new ArrayList<>();
        int[] shared = {8, 60, 130, 250};
        for (int s : shared) {
            byte[] base = RandomizedTreeTest.randomBytes(rnd, 32);
            for (int i = 0; i < 7; i++) {
                byte[] k = base.clone();
                // Keep the first s bits, randomize the rest.
                for (int b = s; b < 256; b++) {
                    if (rnd.nextBoolean()) {
                        k[b / 8] ^= (byte) (1 << (7 - b % 8));
                    }
                }
                pool.add(k);
            }
        }
        pool.add(new byte[32]);
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        pool.add(ones);
        return pool;
    }

    /** Puts (some identical rewrites), deletes (often absent), repeats within the batch, empty batches. */
    static List<ValueUpdate> batch(SplittableRandom rnd, List<byte[]> pool, SpecLiteralModel model) {
        List<ValueUpdate> out = new ArrayList<>();
        int n = rnd.nextInt(7) == 0 ? 0 : 1 + rnd.nextInt(12);
        boolean deleteHeavy = rnd.nextInt(4) == 0;
        for (int i = 0; i < n; i++) {
            byte[] k = pool.get(rnd.nextInt(pool.size()));
            KeyHash kh = KeyHash.fromBytes(k);
            int kind = rnd.nextInt(10);
            if (deleteHeavy ? kind < 2 : kind < 6) {
                out.add(ValueUpdate.put(kh, RandomizedTreeTest.randomBytes(rnd, 1 + rnd.nextInt(6))));
            } else if (kind < 7 && model.get(k) != null) {
                out.add(ValueUpdate.put(kh, model.get(k)));
            } else {
                out.add(ValueUpdate.delete(kh));
            }
        }
        return out;
    }

    /** Walks version v's physical tree and checks it against the model's canonical shape. */
    static void walk(InMemoryTreeStore store, long v, SpecLiteralModel model, String where) {
        Node root = store.getNode(NodeKey.root(v));
        assertThat(root).as(where + ": root node").isNotNull();
        List<byte[]> keys = model.keyHashes();
        switch (keys.size()) {
            case 0 -> assertThat(root).as(where + ": empty tree").isInstanceOf(NullNode.class);
            case 1 -> {
                assertThat(root).as(where + ": one key").isInstanceOf(LeafNode.class);
                checkLeaf((LeafNode) root, keys.get(0), model, where);
            }
            default -> {
                assertThat(root).as(where + ": several keys").isInstanceOf(InternalNode.class);
                checkInternal(store, (InternalNode) root, v, NibblePath.EMPTY, keys, model, where);
            }
        }
    }

    private static void checkLeaf(LeafNode leaf, byte[] keyHash, SpecLiteralModel model, String where) {
        assertThat(leaf.keyHash().bytes()).as(where + ": leaf key").isEqualTo(keyHash);
        assertThat(leaf.valueHash()).as(where + ": leaf value hash").isEqualTo(SpecLiteralModel.sha256(model.get(keyHash)));
    }

    private static void checkInternal(InMemoryTreeStore store, InternalNode node, long version, NibblePath path,
            List<byte[]> keys, SpecLiteralModel model, String where) {
        String at = where + " at [" + path.toHex() + "]";
        assertThat(keys.size()).as(at + ": an internal node stands for two or more keys").isGreaterThanOrEqualTo(2);
        assertThat(node.hash()).as(at + ": node hash").isEqualTo(model.hash(keys, 4 * path.length()));
        assertThat(node.leafCount()).as(at + ": leaf count").isEqualTo(keys.size());
        List<List<byte[]>> byNibble = new ArrayList<>();
        for (int n = 0; n < 16; n++) {
            byNibble.add(new ArrayList<>());
        }
        for (byte[] k : keys) {
            byNibble.get(KeyHash.fromBytes(k).nibble(path.length())).add(k);
        }
        int expectedExistence = 0;
        for (int n = 0; n < 16; n++) {
            if (!byNibble.get(n).isEmpty()) {
                expectedExistence |= 1 << n;
            }
        }
        assertThat(Integer.toBinaryString(node.existenceBitmap())).as(at + ": children")
                .isEqualTo(Integer.toBinaryString(expectedExistence));
        for (InternalNode.Child c : node.children()) {
            List<byte[]> sub = byNibble.get(c.nibble());
            NibblePath childPath = path.child(c.nibble());
            String cat = at + " child " + Integer.toHexString(c.nibble());
            assertThat(c.isLeaf()).as(cat + ": is a leaf iff one key below").isEqualTo(sub.size() == 1);
            assertThat(c.leafCount()).as(cat + ": leaf count").isEqualTo(sub.size());
            // Written at or before this version; u64::MAX, the pre-genesis version, precedes version 0.
            assertThat(c.version() == -1L || Long.compareUnsigned(c.version(), version) <= 0)
                    .as(cat + ": child version " + Long.toUnsignedString(c.version())).isTrue();
            assertThat(c.hash()).as(cat + ": hash").isEqualTo(model.hash(sub, 4 * childPath.length()));
            Node child = store.getNode(new NodeKey(c.version(), childPath));
            assertThat(child).as(cat + ": stored at (v" + c.version() + ", " + childPath.toHex() + ")").isNotNull();
            if (c.isLeaf()) {
                assertThat(child).as(cat).isInstanceOf(LeafNode.class);
                checkLeaf((LeafNode) child, sub.get(0), model, cat);
            } else {
                assertThat(child).as(cat).isInstanceOf(InternalNode.class);
                checkInternal(store, (InternalNode) child, version, childPath, sub, model, where);
            }
        }
    }
}
