package io.dexnode.jmt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The 32-byte key hash under which the tree files a key: SHA-256 of the raw key (spec §1.2).
 *
 * <p>The tree orders, splits and stores only key hashes, never raw keys. The hash is held as four
 * big-endian words so that comparison (unsigned, lexicographic = bit order, which is also the
 * tree's left-to-right order), nibble and bit extraction cost a shift and a mask, and a key hash
 * is one small object without a separate array.
 */
public final class KeyHash implements Comparable<KeyHash> {
    /** Length of a key hash in bytes. */
    public static final int LENGTH = 32;
    /** Number of nibbles in a key hash (the maximum depth of the 16-way tree). */
    public static final int NIBBLES = 64;
    /** Number of bits in a key hash (the maximum depth of the logical binary tree). */
    public static final int BITS = 256;

    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private KeyHash(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The key hash of a raw key: SHA-256(rawKey). */
    public static KeyHash of(byte[] rawKey) {
        return JmtHasher.local().keyHash(rawKey);
    }

    /** A key hash given directly (32 bytes), for callers that hash keys themselves. */
    public static KeyHash fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key hash is 32 bytes, got " + bytes.length);
        }
        return fromBytes(bytes, 0);
    }

    /** A key hash read from 32 bytes of {@code bytes} starting at {@code offset}. */
    public static KeyHash fromBytes(byte[] bytes, int offset) {
        if (offset < 0 || offset > bytes.length - LENGTH) {
            throw new IllegalArgumentException("need 32 bytes at offset " + offset + " of " + bytes.length);
        }
        return new KeyHash(
                (long) LONG_BE.get(bytes, offset),
                (long) LONG_BE.get(bytes, offset + 8),
                (long) LONG_BE.get(bytes, offset + 16),
                (long) LONG_BE.get(bytes, offset + 24));
    }

    /** A key hash from 64 hex digits. */
    public static KeyHash fromHex(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a key hash is 64 hex digits, got " + hex.length());
        }
        return fromBytes(HexFormat.of().parseHex(hex), 0);
    }

    /** A fresh copy of the 32 bytes. */
    public byte[] bytes() {
        byte[] out = new byte[LENGTH];
        copyTo(out, 0);
        return out;
    }

    /** Writes the 32 bytes into {@code dst} at {@code offset} (no allocation). */
    public void copyTo(byte[] dst, int offset) {
        LONG_BE.set(dst, offset, w0);
        LONG_BE.set(dst, offset + 8, w1);
        LONG_BE.set(dst, offset + 16, w2);
        LONG_BE.set(dst, offset + 24, w3);
    }

    /** Lowercase hex, 64 digits. */
    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    static KeyHash ofWords(long w0, long w1, long w2, long w3) {
        return new KeyHash(w0, w1, w2, w3);
    }

    boolean hasWords(long a, long b, long c, long d) {
        return w0 == a && w1 == b && w2 == c && w3 == d;
    }

    int compareToWords(long a, long b, long c, long d) {
        int r = Long.compareUnsigned(w0, a);
        if (r != 0) return r;
        r = Long.compareUnsigned(w1, b);
        if (r != 0) return r;
        r = Long.compareUnsigned(w2, c);
        return r != 0 ? r : Long.compareUnsigned(w3, d);
    }

    /** The 64-bit word {@code i} (0..3), big-endian. */
    long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            default -> throw new IndexOutOfBoundsException("word " + i);
        };
    }

    /** Nibble {@code i} (0..63): the high half of byte i/2 when i is even, the low half when odd. */
    public int nibble(int i) {
        return (int) (word(i >>> 4) >>> (60 - ((i & 15) << 2))) & 0xF;
    }

    /** Bit {@code i} (0..255), MSB first: bit 0 decides the branch at the root. */
    public int bit(int i) {
        return (int) (word(i >>> 6) >>> (63 - (i & 63))) & 1;
    }

    /** The number of leading bits this key hash shares with {@code other} (256 when equal). */
    public int commonPrefixBits(KeyHash other) {
        for (int i = 0; i < 4; i++) {
            long x = word(i) ^ other.word(i);
            if (x != 0) {
                return i * 64 + Long.numberOfLeadingZeros(x);
            }
        }
        return BITS;
    }

    /**
     * The indexes of {@code hashes} in key-hash order, equal hashes in index order (a stable
     * sort). Sorts primitive longs — the high bits of each hash's first word with the index below
     * them — instead of objects through a comparator, then orders by full comparison only the
     * rare runs whose high bits tie: a batch of 10,000 sorts several times faster.
     */
    public static int[] sortOrder(KeyHash[] hashes) {
        int n = hashes.length;
        int[] out = new int[n];
        if (n == 0) {
            return out;
        }
        int bits = Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1L));
        long high = -1L << bits;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            // Flipping the sign bit makes the signed sort of longs the unsigned order of the words.
            packed[i] = ((hashes[i].w0 ^ Long.MIN_VALUE) & high) | i;
        }
        java.util.Arrays.sort(packed);
        for (int i = 0; i < n; i++) {
            out[i] = (int) (packed[i] & ~high);
        }
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && (packed[j] & high) == (packed[i] & high)) {
                j++;
            }
            // A run of equal high bits, in index order: insertion sort by the full hash keeps it stable.
            for (int a = i + 1; a < j; a++) {
                int x = out[a];
                int b = a - 1;
                while (b >= i && hashes[out[b]].compareTo(hashes[x]) > 0) {
                    out[b + 1] = out[b];
                    b--;
                }
                out[b + 1] = x;
            }
            i = j;
        }
        return out;
    }

    @Override
    public int compareTo(KeyHash o) {
        int c = Long.compareUnsigned(w0, o.w0);
        if (c != 0) return c;
        c = Long.compareUnsigned(w1, o.w1);
        if (c != 0) return c;
        c = Long.compareUnsigned(w2, o.w2);
        if (c != 0) return c;
        return Long.compareUnsigned(w3, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHash k && k.w0 == w0 && k.w1 == w1 && k.w2 == w2 && k.w3 == w3;
    }

    @Override
    public int hashCode() {
        // The words are already uniformly distributed (SHA-256 output); fold them.
        long x = w0 ^ w1 ^ w2 ^ w3;
        return (int) (x ^ (x >>> 32));
    }

    @Override
    public String toString() {
        return hex();
    }
}
