package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * ICS23 {@code InnerSpec}: the shape of inner nodes — child order, child hash size, the fixed
 * prefix length around the children, and the hash of an empty child (the JMT placeholder).
 */
public record InnerSpec(List<Integer> childOrder, int childSize, int minPrefixLength, int maxPrefixLength,
        byte[] emptyChild, HashOp hash) {

    public InnerSpec {
        childOrder = ByteArrays.listOf(childOrder);
        emptyChild = ByteArrays.copy(emptyChild);
        Objects.requireNonNull(hash, "hash");
    }

    @Override
    public byte[] emptyChild() {
        return emptyChild.clone();
    }

    byte[] emptyChildRef() {
        return emptyChild;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InnerSpec s && s.childOrder.equals(childOrder) && s.childSize == childSize
                && s.minPrefixLength == minPrefixLength && s.maxPrefixLength == maxPrefixLength
                && Arrays.equals(s.emptyChild, emptyChild) && s.hash == hash;
    }

    @Override
    public int hashCode() {
        return Objects.hash(childOrder, childSize, minPrefixLength, maxPrefixLength, hash) * 31 + Arrays.hashCode(emptyChild);
    }

    @Override
    public String toString() {
        return "InnerSpec(" + childOrder + ", " + childSize + ", " + minPrefixLength + ".." + maxPrefixLength + ", "
                + ByteArrays.hex(emptyChild) + ", " + hash + ")";
    }
}
