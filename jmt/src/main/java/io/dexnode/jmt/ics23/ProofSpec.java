package io.dexnode.jmt.ics23;

import io.dexnode.jmt.JmtHasher;
import java.util.List;

/**
 * ICS23 {@code ProofSpec}: what a valid proof for a given tree looks like. {@link #JMT} is the
 * crate's {@code ics23_spec()} (spec §3.6.1): SHA-256 everywhere, leaf prefix
 * {@code JMT::LeafNode}, binary inner nodes with the 16-byte {@code JMT::IntrnalNode} prefix, the
 * placeholder as empty child, depth up to 64, and keys compared by their SHA-256.
 */
public record ProofSpec(LeafOp leafSpec, InnerSpec innerSpec, int maxDepth, int minDepth,
        boolean prehashKeyBeforeComparison) {

    /** The JMT's proof spec. */
    public static final ProofSpec JMT = new ProofSpec(
            new LeafOp(HashOp.SHA256, HashOp.SHA256, HashOp.SHA256, LengthOp.NO_PREFIX, JmtHasher.leafDomain()),
            new InnerSpec(List.of(0, 1), 32, 16, 16, JmtHasher.placeholder(), HashOp.SHA256),
            64, 0, true);
}
