package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exclusion proofs (spec §3.4) over seeded histories with interleaved deletes, at the latest
 * version and at older retained ones (also after pruning): a live key is Present with its value;
 * an absent key gets exactly the model's greatest-below and smallest-above live key hashes, each
 * with a native proof that verifies and matches the model's siblings; the empty tree is an error.
 * Probes include the key hashes next to live ones (±1 in the last bit) and the two extremes.
 */
class ExclusionProofRandomizedTest {

    @ParameterizedTest(name = "seed {0}, linked {1}")
    @CsvSource({"21,true", "22,false", "23,true", "24,false"})
    void neighboursAreTheModelsAtEveryRetainedVersion(long seed, boolean linked) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore(linked);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<byte[]> pool = CanonicalShapeRandomizedTest.clusteredPool(rnd);
        for (int i = 0; i < 20; i++) {
            pool.add(RandomizedTreeTest.randomBytes(rnd, 32));
        }
        SpecLiteralModel model = new SpecLiteralModel();
        List<SpecLiteralModel> history = new ArrayList<>();
        long least = 0;
        for (long v = 0; v < 40; v++) {
            List<ValueUpdate> batch = CanonicalShapeRandomizedTest.batch(rnd, pool, model);
            if (v % 13 == 12) {
                // Now and then delete every live key: the tree passes through empty.
                batch = new ArrayList<>();
                for (byte[] k : model.keyHashes()) {
                    batch.add(ValueUpdate.delete(KeyHash.fromBytes(k)));
                }
            }
            store.write(tree.putValueSet(v, batch).batch());
            model.apply(batch);
            history.add(model.copy());
            check(tree, v, model, probes(rnd, pool, model), "seed " + seed + " v" + v);
            long old = least + rnd.nextInt((int) (v - least + 1));
            check(tree, old, history.get((int) old), probes(rnd, pool, history.get((int) old)), "seed " + seed + " old v" + old);
            if (v % 10 == 9) {
                least = v - rnd.nextInt(3);
                store.prune(least);
                for (long w = least; w <= v; w++) {
                    check(tree, w, history.get((int) w), probes(rnd, pool, history.get((int) w)), "after pruning, v" + w);
                }
            }
        }
    }

    private static List<byte[]> probes(SplittableRandom rnd, List<byte[]> pool, SpecLiteralModel model) {
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[32]);
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        out.add(ones);
        for (int i = 0; i < 8; i++) {
            out.add(pool.get(rnd.nextInt(pool.size())));
        }
        for (byte[] k : model.keyHashes()) {
            if (rnd.nextInt(3) == 0) {
                out.add(step(k, 1));
                out.add(step(k, -1));
            }
        }
        return out;
    }

    /** The 256-bit number k + delta, wrapping. */
    private static byte[] step(byte[] k, int delta) {
        byte[] out = k.clone();
        for (int i = 31; i >= 0; i--) {
            int x = (out[i] & 0xFF) + delta;
            out[i] = (byte) x;
            if (x >= 0 && x <= 255) {
                break;
            }
        }
        return out;
    }

    private static void check(JellyfishMerkleTree tree, long v, SpecLiteralModel model, List<byte[]> probes, String where) {
        byte[] root = model.root();
        assertThat(tree.rootHash(v)).as(where).isEqualTo(root);
        for (byte[] p : probes) {
            KeyHash k = KeyHash.fromBytes(p);
            String at = where + " probe " + k;
            if (model.size() == 0) {
                assertThatThrownBy(() -> tree.getWithExclusionProof(k, v)).as(at).isInstanceOf(JmtException.class)
                        .hasMessageContaining("empty tree");
                continue;
            }
            ExclusionProof ex = tree.getWithExclusionProof(k, v);
            if (model.get(p) != null) {
                assertThat(ex).as(at).isInstanceOf(ExclusionProof.Present.class);
                ExclusionProof.Present present = (ExclusionProof.Present) ex;
                assertThat(present.value()).as(at).isEqualTo(model.get(p));
                assertThat(present.proof().verify(root, k, model.get(p))).as(at).isTrue();
                continue;
            }
            assertThat(ex).as(at).isInstanceOf(ExclusionProof.Absent.class);
            ExclusionProof.Absent absent = (ExclusionProof.Absent) ex;
            checkNeighbour(absent.left(), model.below(p), model, root, at + " left");
            checkNeighbour(absent.right(), model.above(p), model, root, at + " right");
        }
    }

    private static void checkNeighbour(ExclusionProof.Neighbour n, byte[] expected, SpecLiteralModel model, byte[] root, String at) {
        if (expected == null) {
            assertThat(n).as(at).isNull();
            return;
        }
        assertThat(n).as(at).isNotNull();
        assertThat(n.keyHash().bytes()).as(at).isEqualTo(expected);
        assertThat(n.value()).as(at).isEqualTo(model.get(expected));
        assertThat(n.proof().verify(root, n.keyHash(), n.value())).as(at).isTrue();
        assertThat(n.proof().siblings().stream().map(s -> SharedVectors.hex(s.hash())).toList()).as(at)
                .isEqualTo(model.proof(expected).siblingsBottomUp().stream().map(SharedVectors::hex).toList());
    }
}
