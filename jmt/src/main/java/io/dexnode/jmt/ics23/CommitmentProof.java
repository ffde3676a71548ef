package io.dexnode.jmt.ics23;

/**
 * ICS23 {@code CommitmentProof}: membership ({@link Exist}) or non-membership ({@link Nonexist}).
 * The proto's batch and compressed forms are not produced by the JMT and not supported.
 */
public sealed interface CommitmentProof permits CommitmentProof.Exist, CommitmentProof.Nonexist {

    /** A membership proof. */
    record Exist(ExistenceProof proof) implements CommitmentProof {
        public Exist {
            java.util.Objects.requireNonNull(proof, "proof");
        }
    }

    /** A non-membership proof. */
    record Nonexist(NonExistenceProof proof) implements CommitmentProof {
        public Nonexist {
            java.util.Objects.requireNonNull(proof, "proof");
        }
    }
}
