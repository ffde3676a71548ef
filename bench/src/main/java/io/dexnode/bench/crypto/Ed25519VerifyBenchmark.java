package io.dexnode.bench.crypto;

import io.dexnode.node.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One signature verification as the node does it ({@link Ed25519#verify}, the key already decoded),
 * for an order-sized payload: with BouncyCastle alone ({@code keyTables = 0}) and with the key
 * holding a comb table ({@code keyTables = 1}, earned in the setup). Microseconds per verification,
 * one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Ed25519VerifyBenchmark {
    private static final int MESSAGES = 64;

    @Param({"0", "1"})
    public int keyTables;

    private byte[] pub;
    private final byte[][] messages = new byte[MESSAGES][];
    private final byte[][] signatures = new byte[MESSAGES][];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Ed25519.keepKeyTables(keyTables);
        byte[] seed = new byte[32];
        seed[0] = 42;
        pub = Ed25519.publicKeyOf(seed);
        for (int i = 0; i < MESSAGES; i++) {
            messages[i] = ("{\"type\":\"place\",\"account\":\"" + "ab".repeat(32) + "\",\"market\":1,\"side\":\"buy\","
                    + "\"price\":" + (100_000 + i) + ",\"qty\":10,\"nonce\":" + (i + 1) + ",\"chainId\":\"dexnode-local\"}")
                    .getBytes(StandardCharsets.UTF_8);
            signatures[i] = Ed25519.sign(seed, pub, messages[i]);
        }
        // Enough passes for the key to earn its table when tables are kept.
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < MESSAGES; i++) {
                if (!Ed25519.verify(pub, messages[i], signatures[i])) {
                    throw new IllegalStateException("a signature made here does not verify");
                }
            }
        }
    }

    @Benchmark
    public boolean verify() {
        int i = next++ & (MESSAGES - 1);
        return Ed25519.verify(pub, messages[i], signatures[i]);
    }
}
