package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.Objects;

/**
 * ICS23 {@code InnerOp}: one step up the tree, {@code hash(prefix ‖ child ‖ suffix)}. For the JMT
 * the sibling sits in the prefix (current node on the right) or in the suffix (on the left).
 */
public record InnerOp(HashOp hash, byte[] prefix, byte[] suffix) {

    public InnerOp {
        Objects.requireNonNull(hash, "hash");
        prefix = ByteArrays.copy(prefix);
        suffix = ByteArrays.copy(suffix);
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    @Override
    public byte[] suffix() {
        return suffix.clone();
    }

    int prefixLength() {
        return prefix.length;
    }

    int suffixLength() {
        return suffix.length;
    }

    byte[] prefixRef() {
        return prefix;
    }

    byte[] suffixRef() {
        return suffix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InnerOp i && i.hash == hash && Arrays.equals(i.prefix, prefix) && Arrays.equals(i.suffix, suffix);
    }

    @Override
    public int hashCode() {
        return (hash.hashCode() * 31 + Arrays.hashCode(prefix)) * 31 + Arrays.hashCode(suffix);
    }

    @Override
    public String toString() {
        return "InnerOp(" + hash + ", " + ByteArrays.hex(prefix) + ", " + ByteArrays.hex(suffix) + ")";
    }
}
