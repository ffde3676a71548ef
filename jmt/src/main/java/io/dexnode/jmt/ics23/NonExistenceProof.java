package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.Objects;

/**
 * ICS23 {@code NonExistenceProof}: the key is absent because its two neighbours (in the spec's
 * key order — SHA-256 order for the JMT) are adjacent in the tree. Either side may be missing at
 * the edge of the key space.
 *
 * @param key the absent raw key
 * @param left existence proof of the greatest key below, or null
 * @param right existence proof of the smallest key above, or null
 */
public record NonExistenceProof(byte[] key, ExistenceProof left, ExistenceProof right) {

    public NonExistenceProof {
        key = ByteArrays.copy(key);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NonExistenceProof n && Arrays.equals(n.key, key) && Objects.equals(n.left, left)
                && Objects.equals(n.right, right);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Objects.hash(left, right);
    }

    @Override
    public String toString() {
        return "NonExistenceProof(" + ByteArrays.hex(key) + ", left=" + left + ", right=" + right + ")";
    }
}
