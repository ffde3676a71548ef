package io.dexnode.node.api;

import java.util.Arrays;

/**
 * A transaction as its sender signed it: the payload's UTF-8 bytes, the signer's Ed25519 public key
 * and the signature over the payload. This, not the parsed transaction, is what a block entry
 * carries, so that the log is an auditable record of who asked for what.
 */
public record SignedTx(byte[] payload, byte[] pubkey, byte[] signature) {
    public static final int PUBLIC_KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;

    public SignedTx {
        if (pubkey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a signed transaction has a 32-byte key and a 64-byte signature");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedTx s && Arrays.equals(payload, s.payload) && Arrays.equals(pubkey, s.pubkey)
                && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignedTx[" + payload.length + " bytes]";
    }
}
