package io.dexnode.jmt;

import java.util.Arrays;

/**
 * The position of a node in the 16-way tree: the first {@code length()} nibbles of the key hashes
 * below it (spec §2.1). Packed two nibbles per byte, high nibble first; when the count is odd the
 * low half of the last byte is zero, so equal paths have equal bytes.
 */
public final class NibblePath implements Comparable<NibblePath> {
    /** The root's path. */
    public static final NibblePath EMPTY = new NibblePath(0, new byte[0]);

    private final int length;
    private final byte[] packed;

    private NibblePath(int length, byte[] packed) {
        this.length = length;
        this.packed = packed;
    }

    /** The first {@code length} nibbles of {@code keyHash}. */
    public static NibblePath prefixOf(KeyHash keyHash, int length) {
        checkLength(length);
        if (length == 0) {
            return EMPTY;
        }
        byte[] b = new byte[(length + 1) >>> 1];
        for (int i = 0; i < length; i++) {
            b[i >>> 1] |= (byte) (keyHash.nibble(i) << ((i & 1) == 0 ? 4 : 0));
        }
        return new NibblePath(length, b);
    }

    /** The first {@code depth} nibbles of {@code keyHash} followed by {@code nibble}. */
    public static NibblePath childOf(KeyHash keyHash, int depth, int nibble) {
        checkLength(depth + 1);
        byte[] b = new byte[(depth + 2) >>> 1];
        for (int i = 0; i < depth; i++) {
            b[i >>> 1] |= (byte) (keyHash.nibble(i) << ((i & 1) == 0 ? 4 : 0));
        }
        b[depth >>> 1] |= (byte) ((nibble & 0xF) << ((depth & 1) == 0 ? 4 : 0));
        return new NibblePath(depth + 1, b);
    }

    /** A path from its packed form; the unused low half of an odd-length path must be zero. */
    public static NibblePath fromPacked(int length, byte[] packed) {
        checkLength(length);
        if (packed.length != (length + 1) >>> 1) {
            throw new IllegalArgumentException(
                    "a path of " + length + " nibbles packs into " + ((length + 1) >>> 1) + " bytes, got " + packed.length);
        }
        if ((length & 1) == 1 && (packed[packed.length - 1] & 0x0F) != 0) {
            throw new IllegalArgumentException("odd-length nibble path with a non-zero padding nibble");
        }
        return length == 0 ? EMPTY : new NibblePath(length, packed.clone());
    }

    /** A path from hex digits, one per nibble ({@code ""} is the root). */
    public static NibblePath fromHex(String nibbles) {
        checkLength(nibbles.length());
        byte[] b = new byte[(nibbles.length() + 1) >>> 1];
        for (int i = 0; i < nibbles.length(); i++) {
            int n = Character.digit(nibbles.charAt(i), 16);
            if (n < 0) {
                throw new IllegalArgumentException("not a hex digit: '" + nibbles.charAt(i) + "'");
            }
            b[i >>> 1] |= (byte) (n << ((i & 1) == 0 ? 4 : 0));
        }
        return nibbles.isEmpty() ? EMPTY : new NibblePath(nibbles.length(), b);
    }

    private static void checkLength(int length) {
        if (length < 0 || length > KeyHash.NIBBLES) {
            throw new IllegalArgumentException("a nibble path has 0..64 nibbles, got " + length);
        }
    }

    /** Number of nibbles. */
    public int length() {
        return length;
    }

    /** Nibble {@code i}. */
    public int nibble(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("nibble " + i + " of a " + length + "-nibble path");
        }
        return (packed[i >>> 1] >>> ((i & 1) == 0 ? 4 : 0)) & 0xF;
    }

    /** This path followed by {@code nibble}. */
    public NibblePath child(int nibble) {
        checkLength(length + 1);
        byte[] b = Arrays.copyOf(packed, (length + 2) >>> 1);
        b[length >>> 1] |= (byte) ((nibble & 0xF) << ((length & 1) == 0 ? 4 : 0));
        return new NibblePath(length + 1, b);
    }

    /** A copy of the packed bytes. */
    public byte[] packed() {
        return packed.clone();
    }

    int packedLength() {
        return packed.length;
    }

    void copyPackedTo(byte[] dst, int offset) {
        System.arraycopy(packed, 0, dst, offset, packed.length);
    }

    /** Hex digits, one per nibble. */
    public String toHex() {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(nibble(i), 16));
        }
        return sb.toString();
    }

    /** Orders as the encoded form does: by length, then by packed bytes (unsigned). */
    @Override
    public int compareTo(NibblePath o) {
        int c = Integer.compare(length, o.length);
        return c != 0 ? c : Arrays.compareUnsigned(packed, o.packed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NibblePath p && p.length == length && Arrays.equals(p.packed, packed);
    }

    @Override
    public int hashCode() {
        return 31 * length + Arrays.hashCode(packed);
    }

    @Override
    public String toString() {
        return "[" + toHex() + "]";
    }
}
