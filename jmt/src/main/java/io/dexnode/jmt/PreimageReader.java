package io.dexnode.jmt;

/**
 * Raw keys by key hash. The tree itself never needs raw keys; ICS23 non-existence proofs do,
 * because they carry the neighbours' raw keys (spec §2.7).
 */
public interface PreimageReader {

    /** The raw key whose SHA-256 is {@code keyHash}, or null when unknown. */
    byte[] preimage(KeyHash keyHash);
}
