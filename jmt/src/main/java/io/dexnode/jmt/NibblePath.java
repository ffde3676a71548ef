package io.dexnode.jmt;

/**
 * The position of a node in the 16-way tree: the first {@code length()} nibbles of the key hashes
 * below it (spec §2.1). Its packed form is two nibbles per byte, high nibble first, with a zero
 * low half in the last byte when the count is odd.
 *
 * <p>Held inline as four big-endian words (the same layout as a {@link KeyHash}, unused nibbles
 * zero) rather than a byte array: node keys are created and looked up for every touched node, so
 * one object and one cache miss fewer per key matters.
 */
public final class NibblePath implements Comparable<NibblePath> {
    /** The root's path. */
    public static final NibblePath EMPTY = new NibblePath(0, 0, 0, 0, 0);

    private final int length;
    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private NibblePath(int length, long w0, long w1, long w2, long w3) {
        this.length = length;
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** Keeps the first {@code nibbles} nibbles of a 64-bit word, zeroing the rest. */
    private static long keep(long word, int nibbles) {
        return nibbles >= 16 ? word : nibbles <= 0 ? 0 : word & (-1L << (64 - 4 * nibbles));
    }

    /** The first {@code length} nibbles of {@code keyHash}. */
    public static NibblePath prefixOf(KeyHash keyHash, int length) {
        checkLength(length);
        if (length == 0) {
            return EMPTY;
        }
        return new NibblePath(length,
                keep(keyHash.word(0), length),
                keep(keyHash.word(1), length - 16),
                keep(keyHash.word(2), length - 32),
                keep(keyHash.word(3), length - 48));
    }

    /** The first {@code depth} nibbles of {@code keyHash} followed by {@code nibble}. */
    public static NibblePath childOf(KeyHash keyHash, int depth, int nibble) {
        return prefixOf(keyHash, depth).child(nibble);
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
        long[] w = new long[4];
        for (int i = 0; i < packed.length; i++) {
            w[i >>> 3] |= (packed[i] & 0xFFL) << (56 - 8 * (i & 7));
        }
        return length == 0 ? EMPTY : new NibblePath(length, w[0], w[1], w[2], w[3]);
    }

    /** A path from hex digits, one per nibble ({@code ""} is the root). */
    public static NibblePath fromHex(String nibbles) {
        checkLength(nibbles.length());
        NibblePath p = EMPTY;
        for (int i = 0; i < nibbles.length(); i++) {
            int n = Character.digit(nibbles.charAt(i), 16);
            if (n < 0) {
                throw new IllegalArgumentException("not a hex digit: '" + nibbles.charAt(i) + "'");
            }
            p = p.child(n);
        }
        return p;
    }

    private static void checkLength(int length) {
        if (length < 0 || length > KeyHash.NIBBLES) {
            throw new IllegalArgumentException("a nibble path has 0..64 nibbles, got " + length);
        }
    }

    private long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
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
        return (int) (word(i >>> 4) >>> (60 - ((i & 15) << 2))) & 0xF;
    }

    /** This path followed by {@code nibble}. */
    public NibblePath child(int nibble) {
        checkLength(length + 1);
        long bits = (long) (nibble & 0xF) << (60 - ((length & 15) << 2));
        return switch (length >>> 4) {
            case 0 -> new NibblePath(length + 1, w0 | bits, w1, w2, w3);
            case 1 -> new NibblePath(length + 1, w0, w1 | bits, w2, w3);
            case 2 -> new NibblePath(length + 1, w0, w1, w2 | bits, w3);
            default -> new NibblePath(length + 1, w0, w1, w2, w3 | bits);
        };
    }

    /** Number of packed bytes. */
    int packedLength() {
        return (length + 1) >>> 1;
    }

    /** A copy of the packed bytes. */
    public byte[] packed() {
        byte[] out = new byte[packedLength()];
        copyPackedTo(out, 0);
        return out;
    }

    void copyPackedTo(byte[] dst, int offset) {
        int n = packedLength();
        for (int i = 0; i < n; i++) {
            dst[offset + i] = (byte) (word(i >>> 3) >>> (56 - 8 * (i & 7)));
        }
    }

    /**
     * For paths of at most 15 nibbles: the nibbles in the high 60 bits and the length in the low
     * 4, a value that identifies the path; -1 for longer paths.
     */
    long packedShort() {
        return length <= 15 ? w0 | length : -1L;
    }

    /** The inverse of {@link #packedShort()}. */
    static NibblePath fromPackedShort(long packed) {
        int length = (int) (packed & 0xF);
        return length == 0 ? EMPTY : new NibblePath(length, packed & ~0xFL, 0, 0, 0);
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
        if (c != 0) return c;
        c = Long.compareUnsigned(w0, o.w0);
        if (c != 0) return c;
        c = Long.compareUnsigned(w1, o.w1);
        if (c != 0) return c;
        c = Long.compareUnsigned(w2, o.w2);
        return c != 0 ? c : Long.compareUnsigned(w3, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NibblePath p && p.length == length && p.w0 == w0 && p.w1 == w1 && p.w2 == w2 && p.w3 == w3;
    }

    @Override
    public int hashCode() {
        return (int) mix64();
    }

    /**
     * A well-mixed 64-bit hash: paths of the same depth differ in few bits and most versions are
     * equal, so an unmixed hash collides badly in large tables.
     */
    long mix64() {
        return Bytes.mix(Bytes.mix(w0 + length) ^ w1 ^ Long.rotateLeft(w2, 21) ^ Long.rotateLeft(w3, 42));
    }

    @Override
    public String toString() {
        return "[" + toHex() + "]";
    }
}
