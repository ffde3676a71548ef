package io.dexnode.node.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two replicas replicas of the same chain: the chain id and the canonical JSON of block
 * 1 (the genesis markets), hashed together. Every block entry carries the hash; a replica started
 * from another genesis file refuses to start (when a peer it can reach says so) or stops at the
 * first entry it would apply.
 */
public record ChainIdentity(String chainId, byte[] genesisHash) {
    private static final byte[] DOMAIN = "dexnode-genesis/1".getBytes(StandardCharsets.UTF_8);

    /** @param genesisBlockJson block 1's canonical JSON ({@code BlockRecords.blockJson(1, 0, genesis txs)}) */
    public static ChainIdentity of(String chainId, String genesisBlockJson) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update((byte) 0);
            sha.update(chainId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(genesisBlockJson.getBytes(StandardCharsets.UTF_8));
            return new ChainIdentity(chainId, sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public String genesisHex() {
        return HexFormat.of().formatHex(genesisHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainIdentity c && chainId.equals(c.chainId) && java.util.Arrays.equals(genesisHash, c.genesisHash);
    }

    @Override
    public int hashCode() {
        return chainId.hashCode();
    }
}
