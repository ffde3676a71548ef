package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * ICS23 {@code ExistenceProof}: (key, value) and the operations that fold them into the root —
 * a leaf op, then inner ops bottom-up. Key and value are raw bytes; the verifier hashes them.
 *
 * @param key the raw key
 * @param value the raw value
 * @param leaf the leaf operation (null only in malformed input)
 * @param path the inner operations, bottom-up
 */
public record ExistenceProof(byte[] key, byte[] value, LeafOp leaf, List<InnerOp> path) {

    public ExistenceProof {
        key = ByteArrays.copy(key);
        value = ByteArrays.copy(value);
        path = ByteArrays.listOf(path);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    byte[] keyRef() {
        return key;
    }

    byte[] valueRef() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExistenceProof e && Arrays.equals(e.key, key) && Arrays.equals(e.value, value)
                && Objects.equals(e.leaf, leaf) && e.path.equals(path);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + path.hashCode();
    }

    @Override
    public String toString() {
        return "ExistenceProof(" + ByteArrays.hex(key) + ", " + ByteArrays.hex(value) + ", " + leaf + ", " + path + ")";
    }
}
