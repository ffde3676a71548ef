import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The cost of BouncyCastle's curve25519 field operations next to one of its Ed25519 verifications,
 * on one thread: the ground for estimating a verifier built on those operations (issue #10's
 * Ed25519 decision, docs/BENCHMARKS.md). A measurement, not part of the build:
 *
 * <pre>
 * java -cp cli/target/lib/bcprov-jdk18on-1.87.jar scripts/ed25519-verify-cost/Ed25519FieldCost.java
 * </pre>
 *
 * Five rounds; each prints a multiplication, a squaring and a variable-time inversion in ns and a
 * verification (200-byte message, the key decoded once, as the node keeps it) in µs.
 */
public class Ed25519FieldCost {
    public static void main(String[] args) {
        SecureRandom random = new SecureRandom();
        int[] x = X25519Field.create();
        int[] y = X25519Field.create();
        int[] z = X25519Field.create();
        byte[] b = new byte[32];
        random.nextBytes(b);
        b[31] &= 0x7f;
        X25519Field.decode(b, 0, x, 0);
        X25519Field.decode(b, 0, y, 0);
        byte[] sk = new byte[32];
        byte[] pk = new byte[32];
        byte[] sig = new byte[64];
        byte[] m = new byte[200];
        random.nextBytes(sk);
        random.nextBytes(m);
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        Ed25519.sign(sk, 0, pk, 0, m, 0, m.length, sig, 0);
        Ed25519.PublicPoint key = Ed25519.validatePublicKeyPartialExport(pk, 0);
        for (int round = 1; round <= 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2_000_000; i++) {
                X25519Field.mul(x, y, z);
                X25519Field.mul(z, y, x);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 2_000_000; i++) {
                X25519Field.sqr(x, z);
                X25519Field.sqr(z, x);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < 100_000; i++) {
                X25519Field.invVar(x, z);
            }
            long t3 = System.nanoTime();
            boolean valid = true;
            for (int i = 0; i < 20_000; i++) {
                valid &= Ed25519.verify(sig, 0, key, m, 0, m.length);
            }
            long t4 = System.nanoTime();
            System.out.printf("round %d: mul %.1f ns, sqr %.1f ns, invVar %.0f ns; BouncyCastle's verify %.1f µs (%s)%n", round,
                    (t1 - t0) / 4e6, (t2 - t1) / 4e6, (t3 - t2) / 1e5, (t4 - t3) / 2e4 / 1e3, valid ? "valid" : "INVALID");
        }
    }
}
