package io.dexnode.jmt;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Every hash the tree computes, in one place, exactly as spec §1 defines them: value hash, leaf
 * hash, internal (binary) node hash, and the placeholder that stands for an empty subtree.
 *
 * <p>Hashing dominates the cost of a tree update, so an instance owns one {@link MessageDigest}
 * and one input buffer and writes digests straight into the caller's arrays: no allocation per
 * hash. An instance is not thread-safe; {@link #local()} hands each thread its own.
 */
public final class JmtHasher {
    /** Length of every hash in the tree. */
    public static final int HASH_LENGTH = 32;

    private static final byte[] LEAF_DOMAIN = "JMT::LeafNode".getBytes(StandardCharsets.US_ASCII);
    // Spelled without the 'e' on purpose: the crate chops a vowel to fit 16 bytes (spec §1.5).
    private static final byte[] INTERNAL_DOMAIN = "JMT::IntrnalNode".getBytes(StandardCharsets.US_ASCII);
    /** Shared, never written: read by the tree's own classes without copying. */
    static final byte[] PLACEHOLDER =
            "SPARSE_MERKLE_PLACEHOLDER_HASH__".getBytes(StandardCharsets.US_ASCII);

    private static final ThreadLocal<JmtHasher> LOCAL = ThreadLocal.withInitial(JmtHasher::new);

    private final MessageDigest sha256;
    /** "JMT::IntrnalNode" ‖ left ‖ right, the domain written once. */
    private final byte[] input = new byte[INTERNAL_DOMAIN.length + 2 * HASH_LENGTH];
    /** "JMT::LeafNode" ‖ key_hash ‖ value_hash, the domain written once. */
    private final byte[] leafInput = new byte[LEAF_DOMAIN.length + 2 * HASH_LENGTH];
    /** Where {@link #keyHash} digests before reading the words out. */
    private final byte[] digest = new byte[HASH_LENGTH];

    /** A new hasher; prefer {@link #local()} unless you manage thread confinement yourself. */
    public JmtHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        System.arraycopy(INTERNAL_DOMAIN, 0, input, 0, INTERNAL_DOMAIN.length);
        System.arraycopy(LEAF_DOMAIN, 0, leafInput, 0, LEAF_DOMAIN.length);
    }

    /** This thread's hasher. */
    public static JmtHasher local() {
        return LOCAL.get();
    }

    /** A copy of the 32-byte placeholder: the value of an empty subtree and the empty tree's root. */
    public static byte[] placeholder() {
        return PLACEHOLDER.clone();
    }

    /** Whether the 32 bytes at {@code offset} are the placeholder. */
    public static boolean isPlaceholder(byte[] hash, int offset) {
        return java.util.Arrays.equals(hash, offset, offset + HASH_LENGTH, PLACEHOLDER, 0, HASH_LENGTH);
    }

    /** Copies the placeholder into {@code out} at {@code offset}. */
    static void placeholderInto(byte[] out, int offset) {
        System.arraycopy(PLACEHOLDER, 0, out, offset, HASH_LENGTH);
    }

    /** A copy of the leaf domain separator {@code JMT::LeafNode} (13 bytes). */
    public static byte[] leafDomain() {
        return LEAF_DOMAIN.clone();
    }

    /** A copy of the internal-node domain separator {@code JMT::IntrnalNode} (16 bytes). */
    public static byte[] internalDomain() {
        return INTERNAL_DOMAIN.clone();
    }

    /** SHA-256 of {@code in[off, off+len)} into {@code out[outOff, outOff+32)}. */
    public void sha256(byte[] in, int off, int len, byte[] out, int outOff) {
        sha256.update(in, off, len);
        finish(out, outOff);
    }

    /** The key hash of {@code rawKey}: SHA-256 of its bytes, digested into this hasher's scratch. */
    KeyHash keyHash(byte[] rawKey) {
        sha256.update(rawKey, 0, rawKey.length);
        finish(digest, 0);
        return KeyHash.fromBytes(digest, 0);
    }

    /** The value hash: SHA-256 of the raw value bytes, no length prefix (spec §1.3). */
    public byte[] valueHash(byte[] value) {
        byte[] out = new byte[HASH_LENGTH];
        sha256(value, 0, value.length, out, 0);
        return out;
    }

    /** leaf_hash = SHA-256("JMT::LeafNode" ‖ key_hash ‖ value_hash) (spec §1.4). */
    public void leafHash(KeyHash keyHash, byte[] valueHash, int valueHashOffset, byte[] out, int outOffset) {
        keyHash.copyTo(leafInput, LEAF_DOMAIN.length);
        System.arraycopy(valueHash, valueHashOffset, leafInput, LEAF_DOMAIN.length + HASH_LENGTH, HASH_LENGTH);
        sha256.update(leafInput, 0, leafInput.length);
        finish(out, outOffset);
    }

    /** The hash of {@code leaf} into {@code out} at {@code outOffset}. */
    void leafHash(LeafNode leaf, byte[] out, int outOffset) {
        leaf.copyKeyHashTo(leafInput, LEAF_DOMAIN.length);
        leaf.copyValueHashTo(leafInput, LEAF_DOMAIN.length + HASH_LENGTH);
        sha256.update(leafInput, 0, leafInput.length);
        finish(out, outOffset);
    }

    /** The leaf hash as a new array. */
    public byte[] leafHash(KeyHash keyHash, byte[] valueHash) {
        byte[] out = new byte[HASH_LENGTH];
        leafHash(keyHash, valueHash, 0, out, 0);
        return out;
    }

    /**
     * internal_hash = SHA-256("JMT::IntrnalNode" ‖ left ‖ right) (spec §1.5). {@code out} may
     * overlap either input: the inputs are copied before the digest is written.
     */
    public void internalHash(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        System.arraycopy(left, leftOffset, input, INTERNAL_DOMAIN.length, HASH_LENGTH);
        System.arraycopy(right, rightOffset, input, INTERNAL_DOMAIN.length + HASH_LENGTH, HASH_LENGTH);
        sha256.update(input, 0, input.length);
        finish(out, outOffset);
    }

    /** The internal hash as a new array. */
    public byte[] internalHash(byte[] left, byte[] right) {
        byte[] out = new byte[HASH_LENGTH];
        internalHash(left, 0, right, 0, out, 0);
        return out;
    }

    private void finish(byte[] out, int outOffset) {
        try {
            sha256.digest(out, outOffset, HASH_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        }
    }
}
