package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Proof;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.jmt.ics23.Ics23Prover;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.ProofSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random batches of puts and deletes (absent keys, repeated keys in a batch, empty batches,
 * identical rewrites) over many versions, checked against {@link NaiveSparseMerkleTree}: the root
 * at every version, the values, the proof siblings, and that native and ICS23 proofs verify and
 * fail when a byte of the value, key or root changes.
 */
class RandomizedTreeTest {

    @ParameterizedTest
    @CsvSource({"1,true", "2,true", "3,true", "42,true", "1234567,false", "12648430,false"})
    void rawKeyBatchesMatchTheNaiveTreeAndEveryProofVerifies(long seed, boolean linkedStore) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore(linkedStore);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        Ics23Prover prover = new Ics23Prover(tree, store);
        NaiveSparseMerkleTree naive = new NaiveSparseMerkleTree();
        List<byte[]> rawKeys = new ArrayList<>();
        for (int i = 0; i < 120 + rnd.nextInt(120); i++) {
            byte[] k = randomBytes(rnd, 1 + rnd.nextInt(24));
            rawKeys.add(k);
            store.putPreimage(k);
        }
        List<NaiveSparseMerkleTree> history = new ArrayList<>();
        int versions = 25;
        for (long v = 0; v < versions; v++) {
            List<ValueUpdate> batch = randomBatch(rnd, rawKeys.stream().map(KeyHash::of).toList(), naive, v);
            TreeUpdateResult r = tree.putValueSet(v, batch);
            store.write(r.batch());
            naive.apply(batch);
            history.add(naive.copy());
            assertThat(r.rootHex()).as("seed %d v%d", seed, v).isEqualTo(SharedVectors.hex(naive.root()));
            assertThat(tree.leafCount(v)).isEqualTo(naive.entries().size());

            for (int probe = 0; probe < 12; probe++) {
                byte[] raw = rawKeys.get(rnd.nextInt(rawKeys.size()));
                checkNativeProof(tree, naive, KeyHash.of(raw), v, r.rootHash());
                if (!naive.entries().isEmpty()) {
                    checkIcs23Proof(prover, naive, rawKeys, raw, v, r.rootHash());
                }
            }
        }
        // Every old version is still readable and provable.
        for (long v = 0; v < versions; v++) {
            NaiveSparseMerkleTree then = history.get((int) v);
            assertThat(tree.rootHash(v)).isEqualTo(then.root());
            for (int probe = 0; probe < 5; probe++) {
                byte[] raw = rawKeys.get(rnd.nextInt(rawKeys.size()));
                assertThat(tree.get(KeyHash.of(raw), v)).isEqualTo(then.get(KeyHash.of(raw)));
                checkNativeProof(tree, then, KeyHash.of(raw), v, then.root());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"7,true", "8,true", "99,false", "2024,false"})
    void craftedDeepKeyHashesMatchTheNaiveTree(long seed, boolean linkedStore) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore(linkedStore);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        NaiveSparseMerkleTree naive = new NaiveSparseMerkleTree();
        // Clusters of key hashes sharing long prefixes: chains of single-child internal nodes,
        // leaves 200+ bits deep, collapses of whole chains on delete.
        List<KeyHash> pool = new ArrayList<>();
        for (int cluster = 0; cluster < 4; cluster++) {
            byte[] base = randomBytes(rnd, 32);
            pool.add(KeyHash.fromBytes(base));
            for (int i = 0; i < 6; i++) {
                byte[] k = base.clone();
                int bit = 255 - rnd.nextInt(cluster == 0 ? 8 : 120);
                k[bit / 8] ^= (byte) (1 << (7 - bit % 8));
                pool.add(KeyHash.fromBytes(k));
            }
        }
        pool.add(KeyHash.fromBytes(new byte[32]));
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        pool.add(KeyHash.fromBytes(ones));
        for (long v = 0; v < 30; v++) {
            List<ValueUpdate> batch = randomBatch(rnd, pool, naive, v);
            TreeUpdateResult r = tree.putValueSet(v, batch);
            store.write(r.batch());
            naive.apply(batch);
            assertThat(r.rootHex()).as("seed %d v%d", seed, v).isEqualTo(SharedVectors.hex(naive.root()));
            for (KeyHash k : pool) {
                checkNativeProof(tree, naive, k, v, r.rootHash());
            }
        }
    }

    static List<ValueUpdate> randomBatch(SplittableRandom rnd, List<KeyHash> pool, NaiveSparseMerkleTree current, long v) {
        List<ValueUpdate> batch = new ArrayList<>();
        int size = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(1 + Math.min(60, pool.size()));
        if (v == 0) {
            size = pool.size() / 2;
        }
        for (int i = 0; i < size; i++) {
            KeyHash k = pool.get(rnd.nextInt(pool.size()));
            int kind = rnd.nextInt(10);
            if (kind < 6) {
                batch.add(ValueUpdate.put(k, randomBytes(rnd, 1 + rnd.nextInt(40))));
            } else if (kind < 7 && current.get(k) != null) {
                batch.add(ValueUpdate.put(k, current.get(k).clone())); // identical rewrite
            } else {
                batch.add(ValueUpdate.delete(k)); // often absent
            }
            if (rnd.nextInt(6) == 0 && !batch.isEmpty()) {
                // The same key again in the same batch: the last write must win.
                batch.add(rnd.nextBoolean() ? ValueUpdate.delete(k) : ValueUpdate.put(k, randomBytes(rnd, 5)));
            }
        }
        return batch;
    }

    static byte[] randomBytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    static void checkNativeProof(JellyfishMerkleTree tree, NaiveSparseMerkleTree naive, KeyHash k, long v, byte[] root) {
        ValueWithProof vp = tree.getWithProof(k, v);
        byte[] expected = naive.get(k);
        assertThat(vp.value()).isEqualTo(expected);
        SparseMerkleProof proof = vp.proof();
        assertThat(proof.siblings().stream().map(s -> SharedVectors.hex(s.hash())).toList())
                .isEqualTo(naive.siblingHashes(k).stream().map(SharedVectors::hex).toList());
        assertThat(proof.verify(root, k, expected)).isTrue();

        byte[] badRoot = root.clone();
        badRoot[7] ^= 0x10;
        assertThat(proof.verify(badRoot, k, expected)).isFalse();
        if (expected != null) {
            byte[] badValue = expected.clone();
            badValue[badValue.length - 1] ^= 1;
            assertThat(proof.verify(root, k, badValue)).isFalse();
            assertThat(proof.verify(root, k, null)).isFalse();
            assertThat(proof.verify(root, flipBit(k, 255), expected)).isFalse();
            assertThat(proof.verify(root, flipBit(k, 0), expected)).isFalse();
        } else {
            assertThat(proof.verify(root, k, new byte[] {1})).isFalse();
            int n = proof.siblings().size();
            if (n > 0) {
                // A key that leaves the proven empty subtree is not covered by this proof.
                assertThat(proof.verify(root, flipBit(k, n - 1), null)).isFalse();
            }
        }
    }

    static KeyHash flipBit(KeyHash k, int bit) {
        byte[] b = k.bytes();
        b[bit / 8] ^= (byte) (1 << (7 - bit % 8));
        return KeyHash.fromBytes(b);
    }

    static void checkIcs23Proof(Ics23Prover prover, NaiveSparseMerkleTree naive, List<byte[]> rawKeys, byte[] raw, long v, byte[] root) {
        Ics23Proof p = prover.prove(raw, v);
        assertThat(p.root()).isEqualTo(root);
        CommitmentProof proof = p.proof();
        assertThat(Ics23Protobuf.decodeCommitmentProof(Ics23Protobuf.encode(proof))).isEqualTo(proof);
        byte[] badRoot = root.clone();
        badRoot[0] ^= 1;
        byte[] value = naive.get(KeyHash.of(raw));
        if (value != null) {
            assertThat(p.exists()).isTrue();
            assertThat(Ics23Verifier.verifyMembership(proof, ProofSpec.JMT, root, raw, value)).isTrue();
            byte[] badValue = value.clone();
            badValue[0] ^= 1;
            assertThat(Ics23Verifier.verifyMembership(proof, ProofSpec.JMT, root, raw, badValue)).isFalse();
            assertThat(Ics23Verifier.verifyMembership(proof, ProofSpec.JMT, badRoot, raw, value)).isFalse();
            byte[] badKey = raw.clone();
            badKey[0] ^= 1;
            assertThat(Ics23Verifier.verifyMembership(proof, ProofSpec.JMT, root, badKey, value)).isFalse();
            assertThat(Ics23Verifier.verifyNonMembership(proof, ProofSpec.JMT, root, raw)).isFalse();
        } else {
            assertThat(p.exists()).isFalse();
            assertThat(Ics23Verifier.verifyNonMembership(proof, ProofSpec.JMT, root, raw)).isTrue();
            assertThat(Ics23Verifier.verifyNonMembership(proof, ProofSpec.JMT, badRoot, raw)).isFalse();
            // The neighbours of an absent key never prove a live key absent.
            for (byte[] other : rawKeys) {
                if (naive.get(KeyHash.of(other)) != null) {
                    assertThat(Ics23Verifier.verifyNonMembership(proof, ProofSpec.JMT, root, other)).isFalse();
                    break;
                }
            }
        }
    }
}
