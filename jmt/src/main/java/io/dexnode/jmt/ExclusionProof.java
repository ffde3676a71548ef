package io.dexnode.jmt;

/**
 * The answer to "is this key in the tree?" in the form ICS23 non-existence proofs need
 * (spec §3.4): either the key's value with its proof, or the neighbouring keys on each side
 * (in key-hash order), each with its own existence proof.
 */
public sealed interface ExclusionProof permits ExclusionProof.Present, ExclusionProof.Absent {

    /** The key exists. */
    record Present(byte[] value, SparseMerkleProof proof) implements ExclusionProof {}

    /**
     * The key is absent; {@code left} is the live key with the greatest hash below it and
     * {@code right} the one with the smallest hash above it. At most one of them is null.
     */
    record Absent(Neighbour left, Neighbour right) implements ExclusionProof {
        public Absent {
            if (left == null && right == null) {
                throw new IllegalArgumentException("an exclusion proof needs at least one neighbour");
            }
        }
    }

    /** A live key next to the absent one, with its value and existence proof. */
    record Neighbour(KeyHash keyHash, byte[] value, SparseMerkleProof proof) {}
}
