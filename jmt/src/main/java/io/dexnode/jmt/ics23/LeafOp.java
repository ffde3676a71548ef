package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.Objects;

/**
 * ICS23 {@code LeafOp}: how a proof turns (key, value) into a leaf hash —
 * {@code hash(prefix ‖ length(prehashKey(key)) ‖ length(prehashValue(value)))}. In a
 * {@link ProofSpec} it is the template every proof's leaf must match.
 */
public record LeafOp(HashOp hash, HashOp prehashKey, HashOp prehashValue, LengthOp length, byte[] prefix) {

    public LeafOp {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(prehashKey, "prehashKey");
        Objects.requireNonNull(prehashValue, "prehashValue");
        Objects.requireNonNull(length, "length");
        prefix = ByteArrays.copy(prefix);
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeafOp l && l.hash == hash && l.prehashKey == prehashKey && l.prehashValue == prehashValue
                && l.length == length && Arrays.equals(l.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hash, prehashKey, prehashValue, length) * 31 + Arrays.hashCode(prefix);
    }

    @Override
    public String toString() {
        return "LeafOp(" + hash + ", " + prehashKey + ", " + prehashValue + ", " + length + ", " + ByteArrays.hex(prefix) + ")";
    }
}
