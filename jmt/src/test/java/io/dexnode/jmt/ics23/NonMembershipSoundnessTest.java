package io.dexnode.jmt.ics23;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.TreeUpdateResult;
import io.dexnode.jmt.ValueUpdate;
import io.dexnode.jmt.ValueWithProof;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-membership proofs are only as sound as the neighbour check: two genuine existence proofs
 * that bracket a key in hash order prove nothing unless they are adjacent. Here every live key is
 * "proved absent" with the genuine proofs of the keys around it (skipping it), and the verifier
 * must refuse each one — in the middle and at both edges of the key space.
 */
class NonMembershipSoundnessTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void neighboursThatSkipALiveKeyNeverProveItAbsent(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InMemoryTreeStore store = new InMemoryTreeStore();
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<byte[]> raw = new ArrayList<>();
        List<ValueUpdate> updates = new ArrayList<>();
        int n = 2 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[1 + r.nextInt(10)];
            r.nextBytes(k);
            byte[] v = new byte[1 + r.nextInt(8)];
            r.nextBytes(v);
            raw.add(k);
            store.putPreimage(k);
            updates.add(ValueUpdate.put(KeyHash.of(k), v));
        }
        TreeUpdateResult result = tree.putValueSet(0, updates);
        store.write(result.batch());
        byte[] root = result.rootHash();
        java.util.TreeMap<KeyHash, byte[]> byHash = new java.util.TreeMap<>();
        raw.forEach(k -> byHash.put(KeyHash.of(k), k));
        raw = new ArrayList<>(byHash.values());
        List<ExistenceProof> proofs = new ArrayList<>();
        for (byte[] k : raw) {
            ValueWithProof p = tree.getWithProof(KeyHash.of(k), 0);
            ExistenceProof e = JmtIcs23.existenceProof(k, p.value(), p.proof());
            assertThat(Ics23Verifier.verifyMembership(new CommitmentProof.Exist(e), ProofSpec.JMT, root, k, p.value())).isTrue();
            proofs.add(e);
        }
        int m = proofs.size();
        for (int i = 0; i < m; i++) {
            ExistenceProof left = i > 0 ? proofs.get(i - 1) : null;
            ExistenceProof right = i + 1 < m ? proofs.get(i + 1) : null;
            if (left == null && right == null) {
                continue;
            }
            CommitmentProof forged = new CommitmentProof.Nonexist(new NonExistenceProof(raw.get(i), left, right));
            assertThat(Ics23Verifier.verifyNonMembership(forged, ProofSpec.JMT, root, raw.get(i)))
                    .as("live key %d of %d proved absent by its neighbours", i, m).isFalse();
            if (left != null && right != null) {
                // one side only: the other neighbour is still there
                assertThat(Ics23Verifier.verifyNonMembership(
                        new CommitmentProof.Nonexist(new NonExistenceProof(raw.get(i), null, right)), ProofSpec.JMT, root, raw.get(i)))
                        .isFalse();
                assertThat(Ics23Verifier.verifyNonMembership(
                        new CommitmentProof.Nonexist(new NonExistenceProof(raw.get(i), left, null)), ProofSpec.JMT, root, raw.get(i)))
                        .isFalse();
            }
        }
    }
}
