package io.dexnode.state;

import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.ProofSpec;
import java.util.Arrays;

/**
 * The answer to "what is {@code key} at {@code version}?" that a light client can check alone:
 * the value (null for absence), the version's root, and the ICS23 proof linking them.
 *
 * @param key the raw key asked for
 * @param value its value, or null when absent
 * @param version the version proved at
 * @param root that version's state root
 * @param ics23 existence or non-existence proof; null only for an absent key in the empty tree,
 *              where the root itself (the empty root) proves absence
 */
public record StateProof(byte[] key, byte[] value, long version, byte[] root, CommitmentProof ics23) {

    /** Whether the key is present at the version. */
    public boolean exists() {
        return value != null;
    }

    /** Checks the ICS23 proof against {@link #root()} for this key and value (or its absence). */
    public boolean verify() {
        if (ics23 == null) {
            return value == null && Arrays.equals(root, io.dexnode.jmt.JellyfishMerkleTree.emptyRootHash());
        }
        return value != null
                ? Ics23Verifier.verifyMembership(ics23, ProofSpec.JMT, root, key, value)
                : Ics23Verifier.verifyNonMembership(ics23, ProofSpec.JMT, root, key);
    }
}
