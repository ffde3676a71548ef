package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The comb tables' arithmetic against a model of the curve written here with {@link BigInteger}
 * (affine coordinates, double-and-add, RFC 8032's decoding), and their one conclusion — "accepted" —
 * against BouncyCastle's verdict: every signature BouncyCastle makes is accepted through a table,
 * and nothing BouncyCastle refuses ever is (altered bytes, S + L, R moved by a point of order 2);
 * R at the neutral element gets BouncyCastle's verdict; a message range outside its array is
 * refused before anything is hashed.
 * Keys BouncyCastle's full validation refuses
 * get no table.
 */
class CombTableTest {
    private static final BigInteger P = CombTable.P;
    private static final BigInteger L = CombTable.L;
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger[] B = decode(CombTable.le(BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P)));

    @Test
    void aCombSumIsTheModelsSumOfScalarMultiplesForEdgeAndRandomScalars() {
        Random rnd = new Random(20261207L);
        List<BigInteger> scalars = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                L.subtract(BigInteger.ONE), L, BigInteger.TWO.pow(255), BigInteger.TWO.pow(256).subtract(BigInteger.ONE)));
        for (int i = 0; i < 13; i++) {
            scalars.add(new BigInteger(256, rnd));
        }
        for (int i = 0; i < scalars.size(); i++) {
            byte[] pub = Ed25519.publicKeyOf(seed(rnd));
            CombTable negA = CombTable.ofNegatedKey(pub);
            assertThat(negA).as("a table for an ordinary key").isNotNull();
            BigInteger s = scalars.get(i);
            BigInteger k = scalars.get((i * 7 + 3) % scalars.size());
            BigInteger[] a = decode(pub);
            BigInteger[] expected = add(mul(s, B), mul(k, new BigInteger[] {P.subtract(a[0]).mod(P), a[1]}));
            CombTable.Point r = new CombTable.Point();
            CombTable.sum(CombTable.le(s), 0, CombTable.BASE, CombTable.le(k), 0, negA, r, new CombTable.Scratch());
            assertThat(r.encode()).as("[%s]B + [%s](-A)", s, k).isEqualTo(encode(expected));
        }
    }

    @Test
    void everySignatureBouncyCastleMakesIsAcceptedAndNoAlteredOneIs() {
        Random rnd = new Random(7L);
        int altered = 0;
        for (int i = 0; i < 150; i++) {
            byte[] seed = seed(rnd);
            byte[] pub = Ed25519.publicKeyOf(seed);
            byte[] msg = new byte[rnd.nextInt(400)];
            rnd.nextBytes(msg);
            byte[] sig = Ed25519.sign(seed, pub, msg);
            CombTable table = CombTable.ofNegatedKey(pub);
            assertThat(table.accepts(msg, 0, msg.length, sig)).as("signature %d", i).isTrue();
            for (int variant = 0; variant < 3; variant++) {
                byte[] m = msg.clone();
                byte[] s = sig.clone();
                switch (variant) {
                    case 0 -> s[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8));      // R
                    case 1 -> s[32 + rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8)); // S
                    default -> {
                        if (m.length == 0) {
                            m = new byte[] {0};
                        } else {
                            m[rnd.nextInt(m.length)] ^= 1;
                        }
                    }
                }
                assertThat(bouncyCastle(pub, m, s)).as("BouncyCastle refuses alteration %d of %d", variant, i).isFalse();
                assertThat(table.accepts(m, 0, m.length, s)).as("alteration %d of %d", variant, i).isFalse();
                altered++;
            }
        }
        assertThat(altered).isEqualTo(450);
    }

    @Test
    void sPlusLIsNeverAccepted() {
        Random rnd = new Random(11L);
        for (int i = 0; i < 20; i++) {
            byte[] seed = seed(rnd);
            byte[] pub = Ed25519.publicKeyOf(seed);
            byte[] msg = ("order " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] sig = Ed25519.sign(seed, pub, msg);
            BigInteger s = le(Arrays.copyOfRange(sig, 32, 64)).add(L);
            byte[] malleable = sig.clone();
            System.arraycopy(CombTable.le(s), 0, malleable, 32, 32); // S + L < 2^253 always fits
            assertThat(bouncyCastle(pub, msg, malleable)).isFalse();
            assertThat(CombTable.ofNegatedKey(pub).accepts(msg, 0, msg.length, malleable)).isFalse();
        }
    }

    @Test
    void rMovedByThePointOfOrderTwoIsNeverAcceptedByATableAndKeepsBouncyCastlesVerdict() {
        Random rnd = new Random(13L);
        KeyTables tables = new KeyTables(1);
        byte[] seed = seed(rnd);
        byte[] pub = Ed25519.publicKeyOf(seed);
        DecodedKeys.Entry entry = new DecodedKeys().entry(pub);
        earn(tables, entry, seed);
        assertThat(entry.table).as("the key holds a table").isNotNull();
        for (int i = 0; i < 64; i++) {
            byte[] msg = ("cancel " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] sig = Ed25519.sign(seed, pub, msg);
            // R + (0, -1) = (-x, -y): y' = p - y, and x's sign flips.
            BigInteger[] r = decode(Arrays.copyOf(sig, 32));
            byte[] moved = sig.clone();
            System.arraycopy(encode(new BigInteger[] {P.subtract(r[0]).mod(P), P.subtract(r[1]).mod(P)}), 0, moved, 0, 32);
            boolean verdict = bouncyCastle(pub, msg, moved);
            assertThat(entry.table.accepts(msg, 0, msg.length, moved)).as("message %d", i).isFalse();
            assertThat(tables.verify(entry, msg, 0, msg.length, moved)).as("message %d: BouncyCastle's verdict", i).isEqualTo(verdict);
        }
    }

    @Test
    void aMessageRangeOutsideItsArrayIsRefusedBeforeHashingSoTheThreadsNextVerificationHashesOnlyItsOwnInput() {
        // The table's SHA-512 is one per thread: a call that failed half-way through hashing R, A and M
        // would leave them in it, and the next verification would hash them ahead of its own.
        Random rnd = new Random(17L);
        byte[] seed = seed(rnd);
        byte[] pub = Ed25519.publicKeyOf(seed);
        CombTable table = CombTable.ofNegatedKey(pub);
        byte[] msg = "place 1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sig = Ed25519.sign(seed, pub, msg);
        for (int[] range : new int[][] {{0, msg.length + 1}, {-1, 2}, {msg.length, 1}, {2, -1}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.accepts(msg, range[0], range[1], sig))
                    .as("offset %d, length %d", range[0], range[1]).isInstanceOf(IndexOutOfBoundsException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ed25519.verify(pub, msg, range[0], range[1], sig))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(table.accepts(msg, 0, msg.length, sig)).as("after offset %d, length %d", range[0], range[1]).isTrue();
        }
    }

    @Test
    void aMessageInsideALargerArrayIsVerifiedFromItsOffset() {
        Random rnd = new Random(19L);
        byte[] seed = seed(rnd);
        byte[] pub = Ed25519.publicKeyOf(seed);
        byte[] msg = "amend 42".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sig = Ed25519.sign(seed, pub, msg);
        byte[] framed = new byte[msg.length + 12];
        rnd.nextBytes(framed);
        System.arraycopy(msg, 0, framed, 7, msg.length);
        CombTable table = CombTable.ofNegatedKey(pub);
        assertThat(table.accepts(framed, 7, msg.length, sig)).isTrue();
        assertThat(Ed25519.verify(pub, framed, 7, msg.length, sig)).isTrue();
        assertThat(table.accepts(framed, 6, msg.length, sig)).as("one byte off").isFalse();
        assertThat(Ed25519.verify(pub, framed, 6, msg.length, sig)).isFalse();
    }

    @Test
    void rAtTheNeutralElementGetsBouncyCastlesVerdictThroughATable() {
        // R = the neutral element (y = 1) and S = k·a mod L: [S]B - [k]A is the neutral element, so the
        // equation holds; BouncyCastle's verdict, whichever it is, must be the table's.
        Random rnd = new Random(23L);
        for (int i = 0; i < 8; i++) {
            byte[] seed = seed(rnd);
            byte[] pub = Ed25519.publicKeyOf(seed);
            byte[] h = sha512(seed);
            h[0] &= (byte) 248;
            h[31] &= 127;
            h[31] |= 64;
            BigInteger a = le(Arrays.copyOf(h, 32));
            byte[] r = new byte[32];
            r[0] = 1;
            byte[] msg = ("neutral " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            BigInteger k = le(sha512(r, pub, msg)).mod(L);
            byte[] sig = new byte[64];
            System.arraycopy(r, 0, sig, 0, 32);
            System.arraycopy(CombTable.le(k.multiply(a).mod(L)), 0, sig, 32, 32);
            boolean verdict = bouncyCastle(pub, msg, sig);
            assertThat(CombTable.ofNegatedKey(pub).accepts(msg, 0, msg.length, sig)).as("key %d", i).isEqualTo(verdict);
            assertThat(verdict).as("the equation holds, and BouncyCastle does not refuse a small-order R").isTrue();
        }
    }

    private static byte[] sha512(byte[]... parts) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keysBouncyCastlesFullValidationRefusesGetNoTable() {
        byte[] pub = Ed25519.publicKeyOf(new byte[32]);
        BigInteger[] a = decode(pub);
        byte[] withOrderTwo = encode(new BigInteger[] {P.subtract(a[0]).mod(P), P.subtract(a[1]).mod(P)});
        assertThat(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(withOrderTwo, 0))
                .as("a point, so a key BouncyCastle verifies with").isTrue();
        assertThat(CombTable.ofNegatedKey(withOrderTwo)).as("not of prime order").isNull();
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThat(CombTable.ofNegatedKey(identity)).as("the neutral element").isNull();
        byte[] notCanonical = CombTable.le(P); // y = p, which is y = 0 written the long way
        assertThat(CombTable.ofNegatedKey(notCanonical)).as("a non-canonical encoding").isNull();
        assertThat(CombTable.ofNegatedKey(pub)).isNotNull();
    }

    /** Passes the key's EARN-th verification through {@code tables}, so that it competes for a place. */
    static void earn(KeyTables tables, DecodedKeys.Entry entry, byte[] seed) {
        byte[] msg = "earn".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sig = Ed25519.sign(seed, entry.key, msg);
        for (int i = 0; i < KeyTables.EARN; i++) {
            assertThat(tables.verify(entry, msg, 0, msg.length, sig)).isTrue();
        }
    }

    static byte[] seed(Random rnd) {
        byte[] seed = new byte[32];
        rnd.nextBytes(seed);
        return seed;
    }

    static boolean bouncyCastle(byte[] pub, byte[] msg, byte[] sig) {
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, pub, 0, msg, 0, msg.length);
    }

    // The model: affine points (x, y) on -x^2 + y^2 = 1 + d x^2 y^2, as BigIntegers modulo p.

    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger dxy = D.multiply(p[0]).multiply(q[0]).multiply(p[1]).multiply(q[1]).mod(P);
        BigInteger x = p[0].multiply(q[1]).add(p[1].multiply(q[0])).multiply(BigInteger.ONE.add(dxy).modInverse(P)).mod(P);
        BigInteger y = p[1].multiply(q[1]).add(p[0].multiply(q[0])).multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x, y};
    }

    private static BigInteger[] mul(BigInteger k, BigInteger[] p) {
        BigInteger[] r = {BigInteger.ZERO, BigInteger.ONE};
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            r = add(r, r);
            if (k.testBit(i)) {
                r = add(r, p);
            }
        }
        return r;
    }

    /** RFC 8032, 5.1.3; null when the bytes are no point. */
    static BigInteger[] decode(byte[] encoded) {
        BigInteger y = le(encoded).clearBit(255);
        int sign = (encoded[31] >>> 7) & 1;
        if (y.compareTo(P) >= 0) {
            return null;
        }
        BigInteger y2 = y.multiply(y);
        BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
        BigInteger v3 = v.modPow(BigInteger.valueOf(3), P);
        BigInteger x = u.multiply(v3).multiply(u.multiply(v3).multiply(v3).multiply(v).mod(P)
                .modPow(P.subtract(BigInteger.valueOf(5)).shiftRight(3), P)).mod(P);
        BigInteger vx2 = v.multiply(x).multiply(x).mod(P);
        if (!vx2.equals(u)) {
            if (!vx2.equals(P.subtract(u).mod(P))) {
                return null;
            }
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (x.signum() == 0 && sign == 1) {
            return null;
        }
        if (x.testBit(0) != (sign == 1)) {
            x = P.subtract(x);
        }
        return new BigInteger[] {x, y};
    }

    static byte[] encode(BigInteger[] p) {
        byte[] out = CombTable.le(p[1]);
        out[31] |= (byte) (p[0].testBit(0) ? 0x80 : 0);
        return out;
    }

    static BigInteger le(byte[] b) {
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            be[i] = b[b.length - 1 - i];
        }
        return new BigInteger(1, be);
    }
}
