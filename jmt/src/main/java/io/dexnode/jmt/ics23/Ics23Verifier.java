package io.dexnode.jmt.ics23;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ICS23 verifier with the semantics of cosmos/ics23 Rust 0.12 ({@code verify_membership},
 * {@code verify_non_membership}), so that a proof we accept is one an IBC counterparty accepts.
 *
 * <p>Checked: the leaf op equals the spec's (hash ops, length op, prefix starts with the spec's);
 * every inner op uses the spec's hash, does not start with the leaf prefix, and has a prefix and
 * suffix of admissible lengths; depth bounds only when {@code minDepth != 0} (as in Rust 0.12);
 * key, value and the folded root match. For non-membership: both neighbours verify, they bracket
 * the key in the spec's key order (SHA-256 order when {@code prehashKeyBeforeComparison}), and
 * their paths are adjacent — identical top steps popped, a left/right split at the first
 * difference, and below it only right-most (left path) / left-most (right path) steps, where a
 * step whose other side is the empty child counts as such (placeholder-aware, spec §3.6.3).
 * Not implemented: the IAVL-only prefix checks (they apply to the IAVL spec only) and hash ops
 * the JDK lacks (KECCAK256, RIPEMD160, BITCOIN, BLAKE*), which fail verification.
 */
public final class Ics23Verifier {
    private Ics23Verifier() {}

    /** Whether {@code proof} proves that {@code key} maps to {@code value} under {@code root}. */
    public static boolean verifyMembership(CommitmentProof proof, ProofSpec spec, byte[] root, byte[] key, byte[] value) {
        try {
            checkMembership(proof, spec, root, key, value);
            return true;
        } catch (Ics23Exception e) {
            return false;
        }
    }

    /** Whether {@code proof} proves that {@code key} is absent under {@code root}. */
    public static boolean verifyNonMembership(CommitmentProof proof, ProofSpec spec, byte[] root, byte[] key) {
        try {
            checkNonMembership(proof, spec, root, key);
            return true;
        } catch (Ics23Exception e) {
            return false;
        }
    }

    /** Like {@link #verifyMembership}, but throws an {@link Ics23Exception} saying what failed. */
    public static void checkMembership(CommitmentProof proof, ProofSpec spec, byte[] root, byte[] key, byte[] value) {
        if (!(proof instanceof CommitmentProof.Exist exist)) {
            throw new Ics23Exception("not an existence proof");
        }
        verifyExistence(exist.proof(), spec, root, key, value);
    }

    /** Like {@link #verifyNonMembership}, but throws an {@link Ics23Exception} saying what failed. */
    public static void checkNonMembership(CommitmentProof proof, ProofSpec spec, byte[] root, byte[] key) {
        if (!(proof instanceof CommitmentProof.Nonexist nonexist)) {
            throw new Ics23Exception("not a non-existence proof");
        }
        verifyNonExistence(nonexist.proof(), spec, root, key);
    }

    static void verifyExistence(ExistenceProof proof, ProofSpec spec, byte[] root, byte[] key, byte[] value) {
        checkExistenceSpec(proof, spec);
        ensure(Arrays.equals(proof.keyRef(), key), "provided key doesn't match proof");
        ensure(Arrays.equals(proof.valueRef(), value), "provided value doesn't match proof");
        byte[] calc = calculateRoot(proof, spec);
        ensure(Arrays.equals(calc, root), "root hash doesn't match");
    }

    static void verifyNonExistence(NonExistenceProof proof, ProofSpec spec, byte[] root, byte[] key) {
        byte[] keyForComparison = keyForComparison(spec, key);
        if (proof.left() != null) {
            ExistenceProof left = proof.left();
            verifyExistence(left, spec, root, left.keyRef(), left.valueRef());
            ensure(Arrays.compareUnsigned(keyForComparison, keyForComparison(spec, left.keyRef())) > 0,
                    "left key isn't before key");
        }
        if (proof.right() != null) {
            ExistenceProof right = proof.right();
            verifyExistence(right, spec, root, right.keyRef(), right.valueRef());
            ensure(Arrays.compareUnsigned(keyForComparison, keyForComparison(spec, right.keyRef())) < 0,
                    "right key isn't after key");
        }
        InnerSpec inner = spec.innerSpec();
        ensure(inner != null, "inner spec missing");
        if (proof.left() != null && proof.right() != null) {
            ensureLeftNeighbour(inner, proof.left().path(), proof.right().path());
        } else if (proof.left() != null) {
            ensureRightMost(inner, proof.left().path());
        } else if (proof.right() != null) {
            ensureLeftMost(inner, proof.right().path());
        } else {
            throw new Ics23Exception("neither left nor right proof defined");
        }
    }

    /** The root an existence proof folds to (no spec checks). */
    public static byte[] calculateExistenceRoot(ExistenceProof proof) {
        return calculateRoot(proof, null);
    }

    private static byte[] calculateRoot(ExistenceProof proof, ProofSpec spec) {
        ensure(proof.keyRef().length > 0, "existence proof must have key set");
        ensure(proof.valueRef().length > 0, "existence proof must have value set");
        LeafOp leaf = proof.leaf();
        ensure(leaf != null, "no leaf operation set");
        byte[] hash = applyLeaf(leaf, proof.keyRef(), proof.valueRef());
        for (InnerOp step : proof.path()) {
            hash = applyInner(step, hash);
            if (spec != null && spec.innerSpec() != null) {
                int childSize = spec.innerSpec().childSize();
                ensure(!(hash.length > childSize && childSize >= 32), "invalid inner operation (child_size)");
            }
        }
        return hash;
    }

    private static void checkExistenceSpec(ExistenceProof proof, ProofSpec spec) {
        LeafOp leaf = proof.leaf();
        LeafOp leafSpec = spec.leafSpec();
        ensure(leaf != null && leafSpec != null, "leaf and leaf spec must be set");
        ensure(leaf.hash() == leafSpec.hash(), "unexpected hashOp: " + leaf.hash());
        ensure(leaf.prehashKey() == leafSpec.prehashKey(), "unexpected prehash_key: " + leaf.prehashKey());
        ensure(leaf.prehashValue() == leafSpec.prehashValue(), "unexpected prehash_value: " + leaf.prehashValue());
        ensure(leaf.length() == leafSpec.length(), "unexpected lengthOp: " + leaf.length());
        ensure(ByteArrays.startsWith(leaf.prefix(), leafSpec.prefix()), "incorrect prefix on leaf");
        if (spec.minDepth() != 0) {
            ensure(proof.path().size() >= spec.minDepth(), "too few InnerOps: " + proof.path().size());
            ensure(proof.path().size() <= spec.maxDepth(), "too many InnerOps: " + proof.path().size());
        }
        InnerSpec inner = spec.innerSpec();
        for (InnerOp step : proof.path()) {
            ensure(inner != null, "spec requires both leaf_spec and inner_spec");
            ensure(step.hash() == inner.hash(), "unexpected hashOp: " + step.hash());
            ensure(!ByteArrays.startsWith(step.prefixRef(), leafSpec.prefix()), "inner node with leaf prefix");
            ensure(step.prefixLength() >= inner.minPrefixLength(), "inner prefix too short: " + step.prefixLength());
            int maxLeftChildBytes = (inner.childOrder().size() - 1) * inner.childSize();
            ensure(step.prefixLength() <= inner.maxPrefixLength() + maxLeftChildBytes,
                    "inner prefix too long: " + step.prefixLength());
            ensure(inner.childSize() > 0 && step.suffixLength() % inner.childSize() == 0, "InnerOp suffix malformed");
        }
    }

    private static byte[] keyForComparison(ProofSpec spec, byte[] key) {
        if (!spec.prehashKeyBeforeComparison() || spec.leafSpec() == null || spec.leafSpec().prehashKey() == HashOp.NO_HASH) {
            return key;
        }
        return doHash(spec.leafSpec().prehashKey(), key);
    }

    // ---------------------------------------------------------------- neighbour checks

    private record Padding(int minPrefix, int maxPrefix, int suffix) {}

    private static Padding padding(InnerSpec spec, int branch) {
        int idx = spec.childOrder().indexOf(branch);
        ensure(idx >= 0, "branch " + branch + " not found");
        int prefix = idx * spec.childSize();
        int suffix = spec.childSize() * (spec.childOrder().size() - 1 - idx);
        return new Padding(prefix + spec.minPrefixLength(), prefix + spec.maxPrefixLength(), suffix);
    }

    private static boolean hasPadding(InnerOp op, Padding pad) {
        return op.prefixLength() >= pad.minPrefix() && op.prefixLength() <= pad.maxPrefix()
                && op.suffixLength() == pad.suffix();
    }

    private static int orderFromPadding(InnerSpec spec, InnerOp op) {
        for (int branch = 0; branch < spec.childOrder().size(); branch++) {
            if (hasPadding(op, padding(spec, branch))) {
                return branch;
            }
        }
        throw new Ics23Exception("padding doesn't match any branch");
    }

    private static void ensureLeftMost(InnerSpec spec, List<InnerOp> path) {
        Padding pad = padding(spec, 0);
        for (InnerOp step : path) {
            ensure(hasPadding(step, pad) || leftBranchesAreEmpty(spec, step), "step not leftmost");
        }
    }

    private static void ensureRightMost(InnerSpec spec, List<InnerOp> path) {
        Padding pad = padding(spec, spec.childOrder().size() - 1);
        for (InnerOp step : path) {
            ensure(hasPadding(step, pad) || rightBranchesAreEmpty(spec, step), "step not rightmost");
        }
    }

    private static void ensureLeftNeighbour(InnerSpec spec, List<InnerOp> left, List<InnerOp> right) {
        List<InnerOp> l = new ArrayList<>(left);
        List<InnerOp> r = new ArrayList<>(right);
        ensure(!l.isEmpty() && !r.isEmpty(), "neighbour paths must not be empty");
        InnerOp topLeft = l.removeLast();
        InnerOp topRight = r.removeLast();
        while (Arrays.equals(topLeft.prefixRef(), topRight.prefixRef()) && Arrays.equals(topLeft.suffixRef(), topRight.suffixRef())) {
            ensure(!l.isEmpty() && !r.isEmpty(), "neighbour paths have no divergent step");
            topLeft = l.removeLast();
            topRight = r.removeLast();
        }
        ensure(orderFromPadding(spec, topLeft) + 1 == orderFromPadding(spec, topRight),
                "not left neighbor at first divergent step");
        ensureRightMost(spec, l);
        ensureLeftMost(spec, r);
    }

    private static boolean leftBranchesAreEmpty(InnerSpec spec, InnerOp op) {
        int idx = orderFromPadding(spec, op);
        if (idx == 0) {
            return false;
        }
        int childSize = spec.childSize();
        int actualPrefix = op.prefixLength() - idx * childSize;
        if (actualPrefix < 0) {
            return false;
        }
        for (int i = 0; i < idx; i++) {
            int pos = spec.childOrder().indexOf(i);
            int from = actualPrefix + pos * childSize;
            if (!Arrays.equals(spec.emptyChildRef(), 0, spec.emptyChildRef().length, op.prefixRef(), from, from + childSize)) {
                return false;
            }
        }
        return true;
    }

    private static boolean rightBranchesAreEmpty(InnerSpec spec, InnerOp op) {
        int idx = orderFromPadding(spec, op);
        int rightBranches = spec.childOrder().size() - 1 - idx;
        if (rightBranches == 0) {
            return false;
        }
        if (op.suffixLength() != spec.childSize()) {
            return false;
        }
        for (int i = 0; i < rightBranches; i++) {
            int pos = spec.childOrder().indexOf(i);
            int from = pos * spec.childSize();
            if (from + spec.childSize() > op.suffixLength()
                    || !Arrays.equals(spec.emptyChildRef(), 0, spec.emptyChildRef().length, op.suffixRef(), from, from + spec.childSize())) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- ops

    static byte[] applyLeaf(LeafOp leaf, byte[] key, byte[] value) {
        byte[] pk = prepareLeafData(leaf.prehashKey(), leaf.length(), key);
        byte[] pv = prepareLeafData(leaf.prehashValue(), leaf.length(), value);
        byte[] prefix = leaf.prefix();
        byte[] image = new byte[prefix.length + pk.length + pv.length];
        System.arraycopy(prefix, 0, image, 0, prefix.length);
        System.arraycopy(pk, 0, image, prefix.length, pk.length);
        System.arraycopy(pv, 0, image, prefix.length + pk.length, pv.length);
        return doHash(leaf.hash(), image);
    }

    static byte[] applyInner(InnerOp op, byte[] child) {
        ensure(child.length > 0, "missing child hash");
        byte[] image = new byte[op.prefixLength() + child.length + op.suffixLength()];
        System.arraycopy(op.prefixRef(), 0, image, 0, op.prefixLength());
        System.arraycopy(child, 0, image, op.prefixLength(), child.length);
        System.arraycopy(op.suffixRef(), 0, image, op.prefixLength() + child.length, op.suffixLength());
        return doHash(op.hash(), image);
    }

    private static byte[] prepareLeafData(HashOp prehash, LengthOp length, byte[] data) {
        ensure(data.length > 0, "input to prepare_leaf_data missing");
        return doLength(length, doHash(prehash, data));
    }

    static byte[] doHash(HashOp op, byte[] data) {
        String algorithm = switch (op) {
            case NO_HASH -> null;
            case SHA256 -> "SHA-256";
            case SHA512 -> "SHA-512";
            case SHA512_256 -> "SHA-512/256";
            default -> throw new Ics23Exception("hash op " + op + " is not supported by this verifier");
        };
        if (algorithm == null) {
            return data;
        }
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new Ics23Exception("this JVM lacks " + algorithm);
        }
    }

    private static byte[] doLength(LengthOp op, byte[] data) {
        return switch (op) {
            case NO_PREFIX -> data;
            case VAR_PROTO -> {
                byte[] len = new byte[10];
                int n = 0;
                long v = data.length;
                while ((v & ~0x7FL) != 0) {
                    len[n++] = (byte) ((v & 0x7F) | 0x80);
                    v >>>= 7;
                }
                len[n++] = (byte) v;
                byte[] out = Arrays.copyOf(len, n + data.length);
                System.arraycopy(data, 0, out, n, data.length);
                yield out;
            }
            case REQUIRE_32_BYTES -> {
                ensure(data.length == 32, "data was not 32 bytes: " + data.length);
                yield data;
            }
            case REQUIRE_64_BYTES -> {
                ensure(data.length == 64, "data was not 64 bytes: " + data.length);
                yield data;
            }
            case FIXED32_BIG, FIXED32_LITTLE -> withFixedLength(data, 4, op == LengthOp.FIXED32_BIG);
            case FIXED64_BIG, FIXED64_LITTLE -> withFixedLength(data, 8, op == LengthOp.FIXED64_BIG);
            case VAR_RLP -> throw new Ics23Exception("length op VAR_RLP is not supported");
        };
    }

    private static byte[] withFixedLength(byte[] data, int width, boolean bigEndian) {
        byte[] out = new byte[width + data.length];
        long len = data.length;
        for (int i = 0; i < width; i++) {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            out[i] = (byte) (len >>> shift);
        }
        System.arraycopy(data, 0, out, width, data.length);
        return out;
    }

    private static void ensure(boolean condition, String message) {
        if (!condition) {
            throw new Ics23Exception(message);
        }
    }
}
