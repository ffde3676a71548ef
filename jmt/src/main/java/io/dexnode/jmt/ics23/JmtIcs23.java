package io.dexnode.jmt.ics23;

import io.dexnode.jmt.ExclusionProof;
import io.dexnode.jmt.JmtException;
import io.dexnode.jmt.JmtHasher;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.PreimageReader;
import io.dexnode.jmt.SparseMerkleProof;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Conversion of native JMT proofs into ICS23 form, exactly as the crate's {@code ics23_impl}
 * does (spec §3.6.2–3.6.3), so the protobuf bytes are identical to the crate's.
 *
 * <p>ICS23 proves raw (key, value) and requires KeyHash = SHA-256(key); it also refuses empty
 * keys and values, which is why dexnode never stores an empty value.
 */
public final class JmtIcs23 {
    private static final byte[] INTERNAL_DOMAIN = JmtHasher.internalDomain();
    private static final LeafOp LEAF = ProofSpec.JMT.leafSpec();

    private JmtIcs23() {}

    /** The ICS23 existence proof of ({@code key}, {@code value}) from its native proof. */
    public static ExistenceProof existenceProof(byte[] key, byte[] value, SparseMerkleProof proof) {
        KeyHash kh = KeyHash.of(key);
        if (proof.leaf() == null || !proof.leaf().keyHash().equals(kh)) {
            throw new JmtException("the native proof does not end at the leaf of key " + HexFormat.of().formatHex(key));
        }
        List<SparseMerkleProof.Sibling> siblings = proof.siblings();
        int n = siblings.size();
        List<InnerOp> path = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] sibling = siblings.get(i).hash();
            if (kh.bit(n - 1 - i) == 1) {
                // The current node is the right child: the sibling goes first, in the prefix.
                byte[] prefix = new byte[INTERNAL_DOMAIN.length + sibling.length];
                System.arraycopy(INTERNAL_DOMAIN, 0, prefix, 0, INTERNAL_DOMAIN.length);
                System.arraycopy(sibling, 0, prefix, INTERNAL_DOMAIN.length, sibling.length);
                path.add(new InnerOp(HashOp.SHA256, prefix, new byte[0]));
            } else {
                path.add(new InnerOp(HashOp.SHA256, INTERNAL_DOMAIN, sibling));
            }
        }
        return new ExistenceProof(key, value, LEAF, path);
    }

    /**
     * The ICS23 non-existence proof of {@code key} from its neighbours; their raw keys come from
     * {@code preimages}.
     */
    public static NonExistenceProof nonExistenceProof(byte[] key, ExclusionProof.Absent absent, PreimageReader preimages) {
        return new NonExistenceProof(key, neighbour(absent.left(), preimages), neighbour(absent.right(), preimages));
    }

    private static ExistenceProof neighbour(ExclusionProof.Neighbour n, PreimageReader preimages) {
        if (n == null) {
            return null;
        }
        byte[] key = preimages.preimage(n.keyHash());
        if (key == null) {
            throw new JmtException("no preimage for neighbour key hash " + n.keyHash()
                    + ": cannot build an ICS23 non-existence proof");
        }
        return existenceProof(key, n.value(), n.proof());
    }
}
