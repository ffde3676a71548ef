package io.dexnode.jmt;

import java.util.HexFormat;

/**
 * The outcome of writing one version: its root hash and the batch the caller must persist
 * (nothing has been written yet).
 *
 * @param rootHash the new state root (32 bytes)
 * @param batch what to write, atomically
 */
public record TreeUpdateResult(byte[] rootHash, TreeUpdateBatch batch) {

    public TreeUpdateResult {
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The root hash in lowercase hex. */
    public String rootHex() {
        return HexFormat.of().formatHex(rootHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeUpdateResult r && java.util.Arrays.equals(r.rootHash, rootHash) && r.batch == batch;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "TreeUpdateResult(" + rootHex() + ", " + batch + ")";
    }
}
