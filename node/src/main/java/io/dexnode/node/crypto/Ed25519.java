package io.dexnode.node.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Ed25519 (RFC 8032) on BouncyCastle's low-level code, in the key forms the API uses: a public key
 * is its raw 32 bytes (hex on the wire, and the account name), a private key is its 32-byte seed,
 * kept in key files as PKCS#8 DER (the JDK's encoding, so key files made by either still load).
 *
 * <p>Why not the JDK's {@code Signature("Ed25519")}: the same verdicts (both pass every Wycheproof
 * case), but here it verifies about 8x slower, and verification is what a node spends its request
 * threads on. The wire format is unchanged: a signature of either verifies with the other.
 * Public keys are kept decoded in a bounded cache ({@link DecodedKeys}); with
 * {@link #keepKeyTables}, the busiest keys also get comb tables that make their verifications about
 * three times cheaper without changing any verdict ({@link KeyTables}). Thread-safe.
 */
public final class Ed25519 {
    public static final int PUBLIC_KEY_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE;
    public static final int SIGNATURE_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE;
    public static final int SEED_BYTES = org.bouncycastle.math.ec.rfc8032.Ed25519.SECRET_KEY_SIZE;
    /** DER of PrivateKeyInfo{version 0, AlgorithmIdentifier{1.3.101.112}, OCTET STRING{OCTET STRING(32)}} up to the seed. */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Comb tables kept when nobody says otherwise: none, every signature is BouncyCastle's alone. */
    public static final int DEFAULT_KEY_TABLES = 0;
    private static final DecodedKeys KEYS = new DecodedKeys();
    private static final KeyTables TABLES = new KeyTables(DEFAULT_KEY_TABLES);

    static {
        // The base point's tables, built once here rather than by whichever request comes first.
        org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
    }

    private Ed25519() {
    }

    /** A fresh private key (its seed) from a secure random source. */
    public static byte[] newSeed() {
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        return seed;
    }

    /** The raw public key of a seed. */
    public static byte[] publicKeyOf(byte[] seed) {
        requireSeed(seed);
        byte[] pub = new byte[PUBLIC_KEY_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pub, 0);
        return pub;
    }

    /** The signature of {@code message} by the seed whose public key is {@code publicKey}. */
    public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
        requireSeed(seed);
        if (publicKey.length != PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + publicKey.length);
        }
        byte[] sig = new byte[SIGNATURE_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** Whether {@code signature} is a valid signature of {@code message} by the raw public key; false on any malformed input. */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        return verify(rawPublicKey, message, 0, message.length, signature);
    }

    /**
     * {@link #verify(byte[], byte[], byte[])} of the {@code length} bytes of {@code message} from {@code offset}.
     *
     * @throws IndexOutOfBoundsException if that range is not inside {@code message}: a caller's bug, not a bad signature
     */
    public static boolean verify(byte[] rawPublicKey, byte[] message, int offset, int length, byte[] signature) {
        Objects.checkFromIndexSize(offset, length, message.length);
        if (!sized(rawPublicKey, signature)) {
            return false;
        }
        var entry = KEYS.entry(rawPublicKey);
        return entry != null && TABLES.verify(entry, message, offset, length, signature);
    }

    /**
     * Keeps comb tables (120 KiB each) for up to {@code keys} of the busiest signing keys, in this
     * whole process ({@code --key-tables}); 0 builds none and drops those kept. Verdicts do not change.
     */
    public static void keepKeyTables(int keys) {
        TABLES.capacity(keys);
    }

    /** {@link #verify(byte[], byte[], byte[])} decoding the key every time (the verdict the cached way must match). */
    static boolean verifyUncached(byte[] rawPublicKey, byte[] message, byte[] signature) {
        return sized(rawPublicKey, signature)
                && org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, rawPublicKey, 0, message, 0, message.length);
    }

    private static boolean sized(byte[] rawPublicKey, byte[] signature) {
        return rawPublicKey != null && signature != null && rawPublicKey.length == PUBLIC_KEY_BYTES
                && signature.length == SIGNATURE_BYTES;
    }

    /** The seed inside a PKCS#8 Ed25519 private key (read by the JDK, so any form it accepts). */
    public static byte[] seedOfPkcs8(byte[] pkcs8) {
        try {
            var key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            if (key instanceof EdECPrivateKey ed) {
                byte[] seed = ed.getBytes().orElseThrow(() -> new IllegalArgumentException("the private key has no seed"));
                requireSeed(seed);
                return seed;
            }
            throw new IllegalArgumentException("not an Ed25519 private key");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** The PKCS#8 DER of a seed, byte for byte what the JDK's {@code getEncoded()} gives for the same key. */
    public static byte[] pkcs8Of(byte[] seed) {
        requireSeed(seed);
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + SEED_BYTES);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, SEED_BYTES);
        return der;
    }

    private static void requireSeed(byte[] seed) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an Ed25519 private key is a 32-byte seed, got " + seed.length);
        }
    }
}
