package io.dexnode.bench.jmt;

import io.dexnode.jmt.JmtHasher;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hashing floor under the tree: raw SHA-256 of 64 bytes through the JDK's
 * {@link MessageDigest} (reused, digesting into a reused array), and the tree's own internal-node
 * hash (80-byte input: domain separator and two child hashes). Hashes per second, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class Sha256Benchmark {
    private MessageDigest sha256;
    private JmtHasher hasher;
    private final byte[] input = new byte[64];
    private final byte[] left = new byte[32];
    private final byte[] right = new byte[32];
    private final byte[] out = new byte[32];

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        sha256 = MessageDigest.getInstance("SHA-256");
        hasher = new JmtHasher();
        for (int i = 0; i < 64; i++) {
            input[i] = (byte) (i * 7 + 1);
        }
        left[0] = 1;
        right[0] = 2;
    }

    @Benchmark
    public byte[] sha256Of64Bytes() throws DigestException {
        sha256.update(input, 0, 64);
        sha256.digest(out, 0, 32);
        return out;
    }

    @Benchmark
    public byte[] jmtInternalHash() {
        hasher.internalHash(left, 0, right, 0, out, 0);
        return out;
    }
}
