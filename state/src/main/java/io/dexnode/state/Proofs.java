package io.dexnode.state;

import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.JmtException;
import io.dexnode.jmt.PreimageReader;
import io.dexnode.jmt.TreeReader;
import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Proof;
import io.dexnode.jmt.ics23.Ics23Prover;
import java.util.Arrays;

/** Builds a {@link StateProof} the same way for both stores. */
final class Proofs {
    private Proofs() {}

    /**
     * The proof of {@code key} at {@code version}, whose root the caller has checked exists.
     * The empty tree has no non-existence proof: there the empty root is the whole answer.
     */
    static <R extends TreeReader & PreimageReader> StateProof prove(R reader, byte[] key, long version, byte[] root) {
        try {
            if (Arrays.equals(root, JellyfishMerkleTree.emptyRootHash())) {
                return new StateProof(key.clone(), null, version, root, null);
            }
            Ics23Proof p = new Ics23Prover(new JellyfishMerkleTree(reader), reader).prove(key, version);
            byte[] value = p.proof() instanceof CommitmentProof.Exist e ? e.proof().value() : null;
            return new StateProof(key.clone(), value == null ? null : value.clone(), version, p.root(), p.proof());
        } catch (JmtException e) {
            throw new StateException("cannot prove key at version " + version + ": " + e.getMessage(), e);
        }
    }
}
