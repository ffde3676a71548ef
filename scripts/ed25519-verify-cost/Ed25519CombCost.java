import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A timing prototype for issue #10's Ed25519 decision, not a verifier: what [s]B + [k]A costs with a
 * fixed-base comb table for each of B and A (4 blocks of 8 teeth, spacing 8: 7 doublings shared and
 * 32 mixed additions per scalar) on BouncyCastle's field arithmetic, plus the SHA-512 and the
 * reduction modulo L a verification also does, next to BouncyCastle's own verification. The comb is
 * checked against a double-and-add of the same point before timing. Run:
 *
 * <pre>
 * java -cp cli/target/lib/bcprov-jdk18on-1.87.jar scripts/ed25519-verify-cost/Ed25519CombCost.java
 * </pre>
 */
public class Ed25519CombCost {
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final int[] D2 = fe(BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).multiply(BigInteger.TWO).mod(P));
    static final int[] DD = fe(BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P));

    static int[] fe(BigInteger v) {
        int[] r = X25519Field.create();
        X25519Field.decode(le(v), r);
        return r;
    }

    /** Extended coordinates. */
    static final class Ext {
        final int[] x = X25519Field.create(), y = X25519Field.create(), z = X25519Field.create(), t = X25519Field.create();
    }

    /** Affine precomputed: y+x, y-x, 2dxy. */
    static final class Niels {
        final int[] ypx = X25519Field.create(), ymx = X25519Field.create(), xy2d = X25519Field.create();
    }

    static final class Scratch {
        final int[] a = X25519Field.create(), b = X25519Field.create(), c = X25519Field.create(), d = X25519Field.create(),
                e = X25519Field.create(), f = X25519Field.create(), g = X25519Field.create(), h = X25519Field.create();
    }

    static void neutral(Ext p) {
        X25519Field.zero(p.x);
        X25519Field.one(p.y);
        X25519Field.one(p.z);
        X25519Field.zero(p.t);
    }

    /** p += q (q affine precomputed): 7 multiplications. */
    static void addNiels(Ext p, Niels q, Scratch s) {
        X25519Field.apm(p.y, p.x, s.b, s.a);   // b = y+x, a = y-x
        X25519Field.mul(s.a, q.ymx, s.a);
        X25519Field.mul(s.b, q.ypx, s.b);
        X25519Field.mul(p.t, q.xy2d, s.c);
        X25519Field.add(p.z, p.z, s.d);
        finishAdd(p, s);
    }

    /** The end of both additions, from a = (y1-x1)(y2-x2), b = (y1+x1)(y2+x2), c = 2d t1 t2, d = 2 z1 z2: 4 multiplications. */
    static void finishAdd(Ext p, Scratch s) {
        X25519Field.apm(s.b, s.a, s.h, s.e);   // h = b+a, e = b-a
        X25519Field.apm(s.d, s.c, s.g, s.f);   // g = d+c, f = d-c
        X25519Field.carry(s.g);
        X25519Field.carry(s.f);
        combine(p, s);
    }

    /** p = (e f, g h, e h, f g), the last step of an addition or a doubling. */
    static void combine(Ext p, Scratch s) {
        X25519Field.mul(s.e, s.f, p.x);
        X25519Field.mul(s.g, s.h, p.y);
        X25519Field.mul(s.e, s.h, p.t);
        X25519Field.mul(s.f, s.g, p.z);
    }

    /** p += q (both extended): 9 multiplications. */
    static void addExt(Ext p, Ext q, Scratch s) {
        int[] t1 = X25519Field.create(), t2 = X25519Field.create();
        X25519Field.apm(p.y, p.x, s.b, s.a);
        X25519Field.apm(q.y, q.x, t1, t2);
        X25519Field.mul(s.a, t2, s.a);
        X25519Field.mul(s.b, t1, s.b);
        X25519Field.mul(p.t, q.t, s.c);
        X25519Field.mul(s.c, D2, s.c);
        X25519Field.mul(p.z, q.z, s.d);
        X25519Field.add(s.d, s.d, s.d);
        finishAdd(p, s);
    }

    /** p = 2p: 4 squarings, 4 multiplications. */
    static void dbl(Ext p, Scratch s) {
        X25519Field.add(p.x, p.y, s.e);
        X25519Field.sqr(p.x, s.a);
        X25519Field.sqr(p.y, s.b);
        X25519Field.sqr(p.z, s.c);
        X25519Field.add(s.c, s.c, s.c);
        X25519Field.sqr(s.e, s.e);
        // G = B - A, H = -(A + B), E = (x+y)^2 - A - B, F = G - C (a = -1)
        X25519Field.sub(s.b, s.a, s.g);
        X25519Field.add(s.a, s.b, s.d);
        X25519Field.sub(s.e, s.d, s.e);
        X25519Field.negate(s.d, s.h);
        X25519Field.sub(s.g, s.c, s.f);
        X25519Field.carry(s.e);
        X25519Field.carry(s.f);
        X25519Field.carry(s.h);
        combine(p, s);
    }

    static Ext copy(Ext p) {
        Ext r = new Ext();
        X25519Field.copy(p.x, 0, r.x, 0);
        X25519Field.copy(p.y, 0, r.y, 0);
        X25519Field.copy(p.z, 0, r.z, 0);
        X25519Field.copy(p.t, 0, r.t, 0);
        return r;
    }

    static Niels toNiels(Ext p) {
        int[] zi = X25519Field.create(), x = X25519Field.create(), y = X25519Field.create();
        X25519Field.invVar(p.z, zi);
        X25519Field.mul(p.x, zi, x);
        X25519Field.mul(p.y, zi, y);
        Niels n = new Niels();
        X25519Field.apm(y, x, n.ypx, n.ymx);
        X25519Field.carry(n.ypx);
        X25519Field.carry(n.ymx);
        X25519Field.mul(x, y, n.xy2d);
        X25519Field.mul(n.xy2d, D2, n.xy2d);
        return n;
    }

    /** table[b][j] = sum over set bits t of j of 2^(64b + 8t) P. */
    static Niels[][] comb(Ext p) {
        Scratch s = new Scratch();
        Ext[] powers = new Ext[32];
        Ext cur = copy(p);
        for (int i = 0; i < 256; i++) {
            if (i % 8 == 0) {
                powers[i / 8] = copy(cur);
            }
            dbl(cur, s);
        }
        Niels[][] table = new Niels[4][256];
        for (int b = 0; b < 4; b++) {
            Ext[] sums = new Ext[256];
            for (int j = 1; j < 256; j++) {
                int low = Integer.numberOfTrailingZeros(j);
                int rest = j & (j - 1);
                Ext e = copy(powers[b * 8 + low]);
                if (rest != 0) {
                    addExt(e, sums[rest], s);
                }
                sums[j] = e;
                table[b][j] = toNiels(e);
            }
        }
        return table;
    }

    static int bit(byte[] k, int i) {
        return (k[i >>> 3] >>> (i & 7)) & 1;
    }

    /** r = [k1]T1 + [k2]T2 (little-endian 32-byte scalars), sharing the doublings. */
    static void combMul2(byte[] k1, Niels[][] t1, byte[] k2, Niels[][] t2, Ext r, Scratch s) {
        neutral(r);
        for (int i = 7; i >= 0; i--) {
            if (i < 7) {
                dbl(r, s);
            }
            for (int b = 0; b < 4; b++) {
                int j1 = 0, j2 = 0;
                for (int t = 0; t < 8; t++) {
                    j1 |= bit(k1, b * 64 + t * 8 + i) << t;
                    j2 |= bit(k2, b * 64 + t * 8 + i) << t;
                }
                if (j1 != 0) {
                    addNiels(r, t1[b][j1], s);
                }
                if (j2 != 0) {
                    addNiels(r, t2[b][j2], s);
                }
            }
        }
    }

    static byte[] encode(Ext p) {
        int[] zi = X25519Field.create(), x = X25519Field.create(), y = X25519Field.create();
        X25519Field.invVar(p.z, zi);
        X25519Field.mul(p.x, zi, x);
        X25519Field.mul(p.y, zi, y);
        X25519Field.normalize(x);
        X25519Field.normalize(y);
        byte[] out = new byte[32];
        X25519Field.encode(y, out, 0);
        byte[] xb = new byte[32];
        X25519Field.encode(x, xb, 0);
        out[31] |= (byte) ((xb[0] & 1) << 7);
        return out;
    }

    static Ext decode(byte[] enc) {
        byte[] yb = enc.clone();
        int sign = (yb[31] >>> 7) & 1;
        yb[31] &= 0x7f;
        Ext p = new Ext();
        X25519Field.decode(yb, p.y);
        int[] u = X25519Field.create(), v = X25519Field.create(), y2 = X25519Field.create();
        X25519Field.sqr(p.y, y2);
        X25519Field.mul(y2, DD, v);
        X25519Field.sub(y2, fe(BigInteger.ONE), u);
        X25519Field.add(v, fe(BigInteger.ONE), v);
        X25519Field.carry(u);
        X25519Field.carry(v);
        if (!X25519Field.sqrtRatioVar(u, v, p.x)) {
            throw new IllegalStateException("not a point");
        }
        X25519Field.normalize(p.x);
        byte[] xb = new byte[32];
        X25519Field.encode(p.x, xb, 0);
        if ((xb[0] & 1) != sign) {
            X25519Field.negate(p.x, p.x);
            X25519Field.normalize(p.x);
        }
        X25519Field.one(p.z);
        X25519Field.mul(p.x, p.y, p.t);
        return p;
    }

    static byte[] le(BigInteger v) {
        byte[] out = new byte[32];
        byte[] be = v.toByteArray();
        for (int i = 0; i < be.length && i < 32; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] sk = new byte[32], pk = new byte[32], sig = new byte[64], m = new byte[200];
        random.nextBytes(sk);
        random.nextBytes(m);
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        Ed25519.sign(sk, 0, pk, 0, m, 0, m.length, sig, 0);
        // B: y = 4/5, x even.
        BigInteger by = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        Ext base = decode(le(by));
        Ext a = decode(pk);
        // Self-check: [k]A by comb against double-and-add, and [sk-scalar]B = A.
        Scratch s = new Scratch();
        long t0 = System.nanoTime();
        Niels[][] tb = comb(base);
        Niels[][] ta = comb(a);
        long t1 = System.nanoTime();
        BigInteger k = new BigInteger(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}).mod(L);
        Ext viaComb = new Ext();
        combMul2(le(k), ta, le(BigInteger.ZERO), tb, viaComb, s);
        Ext viaDbl = new Ext();
        neutral(viaDbl);
        for (int i = 255; i >= 0; i--) {
            dbl(viaDbl, s);
            if (k.testBit(i)) {
                addExt(viaDbl, a, s);
            }
        }
        if (!Arrays.equals(encode(viaComb), encode(viaDbl))) {
            throw new IllegalStateException("comb and double-and-add disagree");
        }
        byte[] h = MessageDigest.getInstance("SHA-512").digest(sk);
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        Ext pub = new Ext();
        combMul2(Arrays.copyOf(h, 32), tb, new byte[32], ta, pub, s);
        if (!Arrays.equals(encode(pub), pk)) {
            throw new IllegalStateException("[a]B is not the public key");
        }
        System.out.printf("checks passed; two comb tables built in %.2f ms%n", (t1 - t0) / 1e6);
        // Timing: what a verification with cached tables would do, with [s]B + [L-k]A and the result encoded.
        byte[] sBytes = Arrays.copyOfRange(sig, 32, 64);
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        Ed25519.PublicPoint key = Ed25519.validatePublicKeyPartialExport(pk, 0);
        for (int round = 1; round <= 5; round++) {
            int n = 20_000;
            long c0 = System.nanoTime();
            int same = 0;
            for (int i = 0; i < n; i++) {
                sha512.update(sig, 0, 32);
                sha512.update(pk);
                sha512.update(m);
                byte[] hk = sha512.digest();
                byte[] rev = new byte[64];
                for (int j = 0; j < 64; j++) {
                    rev[j] = hk[63 - j];
                }
                BigInteger kk = L.subtract(new BigInteger(1, rev).mod(L));
                Ext r = new Ext();
                combMul2(sBytes, tb, le(kk), ta, r, s);
                if (Arrays.equals(encode(r), Arrays.copyOf(sig, 32))) {
                    same++;
                }
            }
            long c1 = System.nanoTime();
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                ok &= Ed25519.verify(sig, 0, key, m, 0, m.length);
            }
            long c2 = System.nanoTime();
            System.out.printf("round %d: comb with cached tables %.1f µs (R matched %d of %d); BouncyCastle's verify %.1f µs (%s)%n",
                    round, (c1 - c0) / 1e3 / n, same, n, (c2 - c1) / 1e3 / n, ok);
        }
    }
}
