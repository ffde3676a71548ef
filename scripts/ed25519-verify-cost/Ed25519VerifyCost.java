import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * What one Ed25519 verification costs here with BouncyCastle (the node's verifier), libsodium
 * (Debian's libsodium23, called through the JDK's foreign-function API) and the JDK's own provider,
 * on one thread or several at once; and the Wycheproof verdicts of BouncyCastle and libsodium. A
 * measurement for a decision (issue #10), not part of the build: the project compiles for Java 21,
 * where the foreign-function API is still a preview, so this runs as a single source file on a
 * JDK ≥ 22:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp cli/target/lib/bcprov-jdk18on-1.87.jar \
 *     scripts/ed25519-verify-cost/Ed25519VerifyCost.java ../shared/data/ed25519/wycheproof-ed25519_test.json 20000 1
 * </pre>
 *
 * Arguments: the Wycheproof file, verifications per thread and implementation, threads. Signatures
 * are over 200-byte messages (an order transaction's size) under 1,000 keys, made before timing.
 */
public class Ed25519VerifyCost {
    private static MethodHandle sodiumVerify;

    public static void main(String[] args) throws Throwable {
        Arena arena = Arena.ofShared();
        Linker linker = Linker.nativeLinker();
        SymbolLookup sodium = SymbolLookup.libraryLookup("libsodium.so.23", arena);
        MethodHandle init = linker.downcallHandle(sodium.find("sodium_init").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        if ((int) init.invokeExact() < 0) {
            throw new IllegalStateException("sodium_init failed");
        }
        sodiumVerify = linker.downcallHandle(sodium.find("crypto_sign_verify_detached").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.critical(true));
        wycheproof(Path.of(args[0]));
        int perThread = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int keys = 1_000;
        byte[][] publicKeys = new byte[keys][32];
        byte[][] messages = new byte[keys][200];
        byte[][] signatures = new byte[keys][64];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < keys; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            Ed25519.generatePublicKey(seed, 0, publicKeys[i], 0);
            random.nextBytes(messages[i]);
            Ed25519.sign(seed, 0, messages[i], 0, messages[i].length, signatures[i], 0);
        }
        for (int round = 0; round < 3; round++) {
            for (String impl : List.of("bouncycastle", "libsodium", "jdk")) {
                int n = impl.equals("jdk") ? Math.max(1, perThread / 4) : perThread; // the JDK is ~8x slower
                Thread[] workers = new Thread[threads];
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    int offset = t * 13;
                    workers[t] = new Thread(() -> {
                        for (int i = 0; i < n; i++) {
                            int k = (i * 7 + offset) % keys;
                            if (!verify(impl, publicKeys[k], messages[k], signatures[k])) {
                                throw new IllegalStateException(impl + " refused a good signature");
                            }
                        }
                    });
                    workers[t].start();
                }
                for (Thread w : workers) {
                    w.join();
                }
                double micros = (System.nanoTime() - t0) / 1e3 / n;
                System.out.printf("round %d %-12s %d thread(s): %6.1f µs per verification per thread, %,8.0f verifications/s in all%n",
                        round, impl, threads, micros, threads * 1e6 / micros);
            }
        }
    }

    private static final ThreadLocal<Signature> JDK_VERIFIER = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance("Ed25519");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private static boolean verify(String impl, byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        try {
            switch (impl) {
                case "bouncycastle":
                    return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
                case "libsodium":
                    return (int) sodiumVerify.invokeExact(MemorySegment.ofArray(signature), MemorySegment.ofArray(message),
                            (long) message.length, MemorySegment.ofArray(publicKey)) == 0;
                default:
                    byte[] spki = new byte[44];
                    System.arraycopy(SPKI_PREFIX, 0, spki, 0, 12);
                    System.arraycopy(publicKey, 0, spki, 12, 32);
                    Signature s = JDK_VERIFIER.get();
                    s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
                    s.update(message);
                    try {
                        return s.verify(signature);
                    } catch (SignatureException e) {
                        return false;
                    }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each case's verdict from BouncyCastle and libsodium against Wycheproof's expected one. */
    private static void wycheproof(Path file) throws Exception {
        String json = Files.readString(file);
        Matcher keys = Pattern.compile("\"pk\"\\s*:\\s*\"([0-9a-f]*)\"").matcher(json);
        List<Integer> keyAt = new ArrayList<>();
        List<String> keyHex = new ArrayList<>();
        while (keys.find()) {
            keyAt.add(keys.start());
            keyHex.add(keys.group(1));
        }
        Matcher cases = Pattern.compile("\\{\\s*\"tcId\"\\s*:\\s*(\\d+),.*?\"msg\"\\s*:\\s*\"([0-9a-f]*)\",\\s*"
                + "\"sig\"\\s*:\\s*\"([0-9a-f]*)\",\\s*\"result\"\\s*:\\s*\"(\\w+)\"", Pattern.DOTALL).matcher(json);
        int total = 0;
        int bouncyCastle = 0;
        int libsodium = 0;
        List<String> differing = new ArrayList<>();
        while (cases.find()) {
            int group = 0;
            for (int i = 0; i < keyAt.size(); i++) {
                if (keyAt.get(i) < cases.start()) {
                    group = i;
                }
            }
            byte[] publicKey = HexFormat.of().parseHex(keyHex.get(group));
            byte[] message = HexFormat.of().parseHex(cases.group(2));
            byte[] signature = HexFormat.of().parseHex(cases.group(3));
            boolean valid = cases.group(4).equals("valid");
            total++;
            boolean byBc = verify("bouncycastle", publicKey, message, signature);
            boolean bySodium = verify("libsodium", publicKey, message, signature);
            bouncyCastle += byBc == valid ? 1 : 0;
            libsodium += bySodium == valid ? 1 : 0;
            if (byBc != valid || bySodium != valid) {
                differing.add("tcId " + cases.group(1) + " (" + cases.group(4) + "): BouncyCastle " + byBc + ", libsodium " + bySodium);
            }
        }
        System.out.printf("Wycheproof: %d cases; BouncyCastle gives the expected verdict on %d, libsodium on %d%s%n",
                total, bouncyCastle, libsodium, differing.isEmpty() ? "" : " " + differing);
    }
}
