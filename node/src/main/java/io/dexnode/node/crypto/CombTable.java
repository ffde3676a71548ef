package io.dexnode.node.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A fixed-base comb table of one Edwards25519 point, and the one conclusion it may draw about a
 * signature: <em>accepted</em>. Verifying {@code (R, S)} by key A means checking
 * {@code [S]B = R + [k]A} with {@code k = SHA-512(R || A || M) mod L}; BouncyCastle computes the
 * scalar multiplications with 128 doublings per verification, which is most of its ~60 µs here. With
 * a table of B (built once) and one of −A (built once per key), {@code [S]B + [k](−A)} takes 7
 * doublings and 64 additions of precomputed points, about a third of the time
 * (docs/BENCHMARKS.md, "verification with per-key comb tables").
 *
 * <p>{@link #accepts} is true only when S is below L and {@code [S]B + [k](−A)} encodes to exactly
 * R's 32 bytes. Then BouncyCastle would accept too: R is a canonical encoding of that point, and
 * A, of prime order L (a table is only built for a key that BouncyCastle's full validation passes),
 * satisfies any form of the verification equation BouncyCastle checks. When it is false nothing is
 * concluded: the caller asks BouncyCastle, so every refusal is BouncyCastle's and a verdict never
 * depends on whether a key had a table ({@code CombTableTest}, against a model written with
 * {@link BigInteger} and against BouncyCastle on every Wycheproof case).
 *
 * <p>Layout: 4 blocks of 8 teeth spaced 8 bits apart; block b's entry j (1..255) is the sum of
 * {@code 2^(64b + 8t)·P} over the set bits t of j, kept affine as (y+x, y−x, 2d·x·y) in one flat
 * array (4 × 256 × 30 ints, 120 KiB). Field arithmetic is BouncyCastle's {@link X25519Field}.
 * Immutable once built; {@link #accepts} is thread-safe.
 */
final class CombTable {
    /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The curve's d = −121665/121666, and 2d. */
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final int[] FE_D = fe(D);
    private static final int[] FE_D2 = fe(D.shiftLeft(1).mod(P));
    private static final byte[] L_BYTES = le(L);

    private static final int BLOCKS = 4;
    private static final int TEETH = 8;
    private static final int ENTRIES = 1 << TEETH;
    /** ints per entry: three field elements. */
    private static final int ENTRY = 3 * X25519Field.SIZE;

    /** The base point B: y = 4/5, x even. */
    static final CombTable BASE = new CombTable(decodeOrThrow(le(BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P))), null);

    private static final ThreadLocal<MessageDigest> SHA512 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
    });

    private final int[] entries = new int[BLOCKS * ENTRIES * ENTRY];
    /**
     * The raw public key A this table negates, whose signatures {@link #accepts} checks (a copy:
     * a table speaks for its own key only); null for {@link #BASE}, which checks none.
     */
    private final byte[] key;

    private CombTable(Point p, byte[] key) {
        this.key = key;
        Scratch s = new Scratch();
        // powers[q] = 2^(8q)·P, q = 0..31.
        Point[] powers = new Point[BLOCKS * TEETH];
        Point cur = p.copy();
        for (int i = 0; i < BLOCKS * TEETH * TEETH; i++) {
            if (i % TEETH == 0) {
                powers[i / TEETH] = cur.copy();
            }
            cur.twice(s);
        }
        Point[] sums = new Point[ENTRIES];
        for (int b = 0; b < BLOCKS; b++) {
            for (int j = 1; j < ENTRIES; j++) {
                Point e = powers[b * TEETH + Integer.numberOfTrailingZeros(j)].copy();
                int rest = j & (j - 1);
                if (rest != 0) {
                    e.add(sums[rest], s);
                }
                sums[j] = e;
                e.storeAffine((b * ENTRIES + j) * ENTRY, entries);
            }
        }
    }

    /**
     * The table of −A for the raw public key A, or null when the key gets none: BouncyCastle's full
     * validation refuses it (not canonical, or not of prime order L), or its point does not encode
     * back to the same bytes. Such a key is verified by BouncyCastle alone.
     */
    static CombTable ofNegatedKey(byte[] rawKey) {
        if (rawKey.length != 32 || !org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(rawKey, 0)) {
            return null;
        }
        Point a = new Point();
        if (!a.decode(rawKey) || !Arrays.equals(a.encode(), rawKey)) {
            return null;
        }
        a.negate();
        return new CombTable(a, rawKey.clone());
    }

    /**
     * True when {@code signature} is certainly valid for this table's key over the {@code length}
     * message bytes from {@code offset}; false says nothing (see the class comment).
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code message} (checked before
     *     anything is hashed: the thread's digest never keeps a failed call's input)
     */
    boolean accepts(byte[] message, int offset, int length, byte[] signature) {
        if (key == null) {
            throw new IllegalStateException("the base point's table checks no signatures");
        }
        Objects.checkFromIndexSize(offset, length, message.length);
        if (signature.length != 64 || !belowL(signature, 32)) {
            return false;
        }
        MessageDigest sha = SHA512.get();
        sha.reset();
        sha.update(signature, 0, 32);
        sha.update(key, 0, 32);
        sha.update(message, offset, length);
        byte[] k = reduce(sha.digest());
        Point r = new Point();
        sum(signature, 32, BASE, k, 0, this, r, new Scratch());
        return r.encodesTo(signature, 0);
    }

    /** r = [s1]T1 + [s2]T2, for the 32-byte little-endian scalars at the offsets: 7 doublings shared. */
    static void sum(byte[] s1, int off1, CombTable t1, byte[] s2, int off2, CombTable t2, Point r, Scratch s) {
        r.neutral();
        for (int i = TEETH - 1; i >= 0; i--) {
            if (i < TEETH - 1) {
                r.twice(s);
            }
            for (int b = 0; b < BLOCKS; b++) {
                t1.addEntry(r, b, digit(s1, off1 + b * TEETH, i), s);
                t2.addEntry(r, b, digit(s2, off2 + b * TEETH, i), s);
            }
        }
    }

    /** Bit i of each of the 8 bytes from {@code off}, byte t giving bit t of the digit. */
    private static int digit(byte[] scalar, int off, int i) {
        int j = 0;
        for (int t = 0; t < TEETH; t++) {
            j |= ((scalar[off + t] >>> i) & 1) << t;
        }
        return j;
    }

    private void addEntry(Point r, int block, int j, Scratch s) {
        if (j != 0) {
            int off = (block * ENTRIES + j) * ENTRY;
            X25519Field.copy(entries, off, s.ypx, 0);
            X25519Field.copy(entries, off + X25519Field.SIZE, s.ymx, 0);
            X25519Field.copy(entries, off + 2 * X25519Field.SIZE, s.xy2d, 0);
            r.addAffine(s);
        }
    }

    /** Whether the 32 little-endian bytes at {@code off} are a number below L. */
    static boolean belowL(byte[] b, int off) {
        for (int i = 31; i >= 0; i--) {
            int x = b[off + i] & 0xFF;
            int l = L_BYTES[i] & 0xFF;
            if (x != l) {
                return x < l;
            }
        }
        return false;
    }

    /** A 64-byte little-endian digest modulo L, as 32 little-endian bytes. */
    static byte[] reduce(byte[] digest) {
        byte[] be = new byte[digest.length];
        for (int i = 0; i < digest.length; i++) {
            be[i] = digest[digest.length - 1 - i];
        }
        return le(new BigInteger(1, be).mod(L));
    }

    /** The 32 little-endian bytes of a number below 2^256. */
    static byte[] le(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static int[] fe(BigInteger v) {
        int[] r = X25519Field.create();
        X25519Field.decode(le(v), 0, r);
        return r;
    }

    private static Point decodeOrThrow(byte[] encoded) {
        Point p = new Point();
        if (!p.decode(encoded)) {
            throw new IllegalStateException("not a point");
        }
        return p;
    }

    /** Field elements a computation reuses: the operands of an addition or a doubling. */
    static final class Scratch {
        final int[] a = X25519Field.create();
        final int[] b = X25519Field.create();
        final int[] c = X25519Field.create();
        final int[] d = X25519Field.create();
        final int[] e = X25519Field.create();
        final int[] f = X25519Field.create();
        final int[] g = X25519Field.create();
        final int[] h = X25519Field.create();
        /** An affine addend (y+x, y−x, 2d·x·y). */
        final int[] ypx = X25519Field.create();
        final int[] ymx = X25519Field.create();
        final int[] xy2d = X25519Field.create();
    }

    /** A point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z, on −x² + y² = 1 + d·x²·y². */
    static final class Point {
        final int[] x = X25519Field.create();
        final int[] y = X25519Field.create();
        final int[] z = X25519Field.create();
        final int[] t = X25519Field.create();

        void neutral() {
            X25519Field.zero(x);
            X25519Field.one(y);
            X25519Field.one(z);
            X25519Field.zero(t);
        }

        Point copy() {
            Point r = new Point();
            X25519Field.copy(x, 0, r.x, 0);
            X25519Field.copy(y, 0, r.y, 0);
            X25519Field.copy(z, 0, r.z, 0);
            X25519Field.copy(t, 0, r.t, 0);
            return r;
        }

        void negate() {
            X25519Field.negate(x, x);
            X25519Field.negate(t, t);
            X25519Field.normalize(x);
            X25519Field.normalize(t);
        }

        /** this += the affine addend in {@code s.ypx, s.ymx, s.xy2d}: 7 multiplications. */
        void addAffine(Scratch s) {
            X25519Field.apm(y, x, s.b, s.a);
            X25519Field.mul(s.a, s.ymx, s.a);
            X25519Field.mul(s.b, s.ypx, s.b);
            X25519Field.mul(t, s.xy2d, s.c);
            X25519Field.add(z, z, s.d);
            finishAddition(s);
        }

        /** this += q (extended): 9 multiplications. */
        void add(Point q, Scratch s) {
            X25519Field.apm(y, x, s.b, s.a);
            X25519Field.apm(q.y, q.x, s.h, s.g);
            X25519Field.mul(s.a, s.g, s.a);
            X25519Field.mul(s.b, s.h, s.b);
            X25519Field.mul(t, q.t, s.c);
            X25519Field.mul(s.c, FE_D2, s.c);
            X25519Field.mul(z, q.z, s.d);
            X25519Field.add(s.d, s.d, s.d);
            finishAddition(s);
        }

        /** An addition's end, from a = (y1−x1)(y2−x2), b = (y1+x1)(y2+x2), c = 2d·t1·t2, d = 2·z1·z2. */
        private void finishAddition(Scratch s) {
            X25519Field.apm(s.b, s.a, s.h, s.e);
            X25519Field.apm(s.d, s.c, s.g, s.f);
            X25519Field.carry(s.g);
            X25519Field.carry(s.f);
            combine(s);
        }

        /** this = 2·this: 4 squarings, 4 multiplications. */
        void twice(Scratch s) {
            X25519Field.add(x, y, s.e);
            X25519Field.sqr(x, s.a);
            X25519Field.sqr(y, s.b);
            X25519Field.sqr(z, s.c);
            X25519Field.add(s.c, s.c, s.c);
            X25519Field.sqr(s.e, s.e);
            // With a = −1: G = B − A, H = −(A + B), E = (x + y)² − A − B, F = G − C.
            X25519Field.sub(s.b, s.a, s.g);
            X25519Field.add(s.a, s.b, s.d);
            X25519Field.sub(s.e, s.d, s.e);
            X25519Field.negate(s.d, s.h);
            X25519Field.sub(s.g, s.c, s.f);
            X25519Field.carry(s.e);
            X25519Field.carry(s.f);
            X25519Field.carry(s.h);
            combine(s);
        }

        /** (X, Y, T, Z) = (e·f, g·h, e·h, f·g), the last step of an addition or a doubling. */
        private void combine(Scratch s) {
            X25519Field.mul(s.e, s.f, x);
            X25519Field.mul(s.g, s.h, y);
            X25519Field.mul(s.e, s.h, t);
            X25519Field.mul(s.f, s.g, z);
        }

        /** The affine coordinates x = X/Z and y = Y/Z into {@code ax} and {@code ay}. */
        private void affine(int[] ax, int[] ay) {
            int[] zi = X25519Field.create();
            X25519Field.invVar(z, zi);
            X25519Field.mul(x, zi, ax);
            X25519Field.mul(y, zi, ay);
        }

        /** Writes (y+x, y−x, 2d·x·y) of the affine point at {@code off} in {@code out}. */
        void storeAffine(int off, int[] out) {
            int[] ax = X25519Field.create();
            int[] ay = X25519Field.create();
            int[] v = X25519Field.create();
            affine(ax, ay);
            X25519Field.add(ay, ax, v);
            X25519Field.carry(v);
            X25519Field.copy(v, 0, out, off);
            X25519Field.sub(ay, ax, v);
            X25519Field.carry(v);
            X25519Field.copy(v, 0, out, off + X25519Field.SIZE);
            X25519Field.mul(ax, ay, v);
            X25519Field.mul(v, FE_D2, v);
            X25519Field.copy(v, 0, out, off + 2 * X25519Field.SIZE);
        }

        /** The RFC 8032 encoding: y, with x's parity in the top bit. */
        byte[] encode() {
            int[] ax = X25519Field.create();
            int[] ay = X25519Field.create();
            affine(ax, ay);
            X25519Field.normalize(ax);
            X25519Field.normalize(ay);
            byte[] out = new byte[32];
            X25519Field.encode(ay, out, 0);
            out[31] |= (byte) ((ax[0] & 1) << 7);
            return out;
        }

        /** Whether this point's encoding is the 32 bytes at {@code off}. */
        boolean encodesTo(byte[] b, int off) {
            return Arrays.equals(encode(), 0, 32, b, off, off + 32);
        }

        /** Sets this to the point of an encoding; false when it is none (x² has no root, or x = 0 with its sign bit set). */
        boolean decode(byte[] encoded) {
            int sign = (encoded[31] >>> 7) & 1;
            X25519Field.decode255(encoded, 0, y, 0);
            int[] u = X25519Field.create();
            int[] v = X25519Field.create();
            X25519Field.sqr(y, u);
            X25519Field.mul(u, FE_D, v);
            X25519Field.subOne(u);
            X25519Field.addOne(v);
            if (!X25519Field.sqrtRatioVar(u, v, x)) {
                return false;
            }
            X25519Field.normalize(x);
            if (X25519Field.isZeroVar(x) && sign == 1) {
                return false;
            }
            if ((x[0] & 1) != sign) {
                X25519Field.negate(x, x);
                X25519Field.normalize(x);
            }
            X25519Field.one(z);
            X25519Field.mul(x, y, t);
            return true;
        }
    }
}
