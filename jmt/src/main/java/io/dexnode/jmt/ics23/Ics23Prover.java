package io.dexnode.jmt.ics23;

import io.dexnode.jmt.ExclusionProof;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.PreimageReader;

/**
 * One call from a raw key and a version to the ICS23 proof of its presence or absence and the
 * root it proves against — what an IBC relayer or light client asks a node for.
 *
 * <p>Values must be non-empty for the proof to verify (ICS23 refuses empty values, spec §3.6.4);
 * dexnode never stores empty values. Non-existence proofs need the neighbours' preimages and
 * cannot exist for the empty tree.
 */
public final class Ics23Prover {
    private final JellyfishMerkleTree tree;
    private final PreimageReader preimages;

    public Ics23Prover(JellyfishMerkleTree tree, PreimageReader preimages) {
        this.tree = tree;
        this.preimages = preimages;
    }

    /**
     * The proof for {@code rawKey} at {@code version}.
     *
     * @throws io.dexnode.jmt.MissingRootException if the version is not readable
     * @throws io.dexnode.jmt.JmtException for an absent key in the empty tree, or a missing preimage
     */
    public Ics23Proof prove(byte[] rawKey, long version) {
        KeyHash kh = KeyHash.of(rawKey);
        byte[] root = tree.rootHash(version);
        CommitmentProof proof = switch (tree.getWithExclusionProof(kh, version)) {
            case ExclusionProof.Present p ->
                    new CommitmentProof.Exist(JmtIcs23.existenceProof(rawKey, p.value(), p.proof()));
            case ExclusionProof.Absent a ->
                    new CommitmentProof.Nonexist(JmtIcs23.nonExistenceProof(rawKey, a, preimages));
        };
        return new Ics23Proof(root, proof);
    }
}
