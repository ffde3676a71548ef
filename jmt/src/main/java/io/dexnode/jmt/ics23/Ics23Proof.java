package io.dexnode.jmt.ics23;

import java.util.Arrays;

/**
 * An ICS23 {@link CommitmentProof} together with the root it proves against.
 *
 * @param root the tree root at the proven version (32 bytes)
 * @param proof an existence or non-existence proof
 */
public record Ics23Proof(byte[] root, CommitmentProof proof) {

    public Ics23Proof {
        root = root.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    /** Whether this is a membership (existence) proof. */
    public boolean exists() {
        return proof instanceof CommitmentProof.Exist;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ics23Proof p && Arrays.equals(p.root, root) && p.proof.equals(proof);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(root) * 31 + proof.hashCode();
    }
}
