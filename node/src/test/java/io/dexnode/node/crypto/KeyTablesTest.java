package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which keys get comb tables: a key earns the chance by {@link KeyTables#EARN} passed
 * verifications (refused ones do not count), takes a free place or the place of a holder that signs
 * less, a loser counts again, the capacity bounds the tables, a key not of prime order never gets
 * one — and through all of it every verdict is BouncyCastle's.
 */
class KeyTablesTest {
    private static final byte[] MESSAGE = "{\"type\":\"place\",\"nonce\":1}".getBytes(StandardCharsets.UTF_8);

    private final Random rnd = new Random(20261207L);
    private final DecodedKeys keys = new DecodedKeys();

    private record Key(byte[] seed, DecodedKeys.Entry entry) {
    }

    private Key key() {
        byte[] seed = CombTableTest.seed(rnd);
        return new Key(seed, keys.entry(Ed25519.publicKeyOf(seed)));
    }

    private static void sign(KeyTables tables, Key k, int times) {
        byte[] sig = Ed25519.sign(k.seed(), k.entry().key, MESSAGE);
        for (int i = 0; i < times; i++) {
            assertThat(tables.verify(k.entry(), MESSAGE, 0, MESSAGE.length, sig)).isTrue();
        }
    }

    /** {@code count} new keys, key i signing {@code EARN + i * step} times through {@code tables}. */
    private Key[] keysThatEarned(KeyTables tables, int count, int step) {
        Key[] ks = new Key[count];
        for (int i = 0; i < count; i++) {
            ks[i] = key();
            sign(tables, ks[i], KeyTables.EARN + i * step);
        }
        return ks;
    }

    @Test
    void aKeyGetsItsTableAtItsEarnthPassedVerificationAndRefusedOnesDoNotCount() {
        KeyTables tables = new KeyTables(1);
        Key k = key();
        byte[] bad = new byte[64];
        for (int i = 0; i < 3 * KeyTables.EARN; i++) {
            assertThat(tables.verify(k.entry(), MESSAGE, 0, MESSAGE.length, bad)).isFalse();
        }
        sign(tables, k, KeyTables.EARN - 1);
        assertThat(k.entry().table).as("one pass short").isNull();
        sign(tables, k, 1);
        assertThat(k.entry().table).isNotNull();
        assertThat(tables.held()).isEqualTo(1);
    }

    @Test
    void aBusierKeyTakesTheIdlestHoldersPlaceAndALoserCountsAgain() {
        KeyTables tables = new KeyTables(2);
        Key idle = key();
        Key busy = key();
        Key newcomer = key();
        sign(tables, idle, KeyTables.EARN);
        sign(tables, busy, KeyTables.EARN + 500);
        sign(tables, newcomer, KeyTables.EARN);
        assertThat(idle.entry().table).as("the holder that stopped signing").isNull();
        assertThat(busy.entry().table).isNotNull();
        assertThat(newcomer.entry().table).isNotNull();
        assertThat(tables.evictions()).isEqualTo(1);
        assertThat(tables.held()).isEqualTo(2);

        sign(tables, busy, 1_000);
        sign(tables, newcomer, 1_000);
        sign(tables, idle, KeyTables.EARN);
        assertThat(idle.entry().table).as("both holders sign more than it").isNull();
        assertThat(idle.entry().passes).as("the loser counts from zero again").isZero();
        assertThat(tables.evictions()).isEqualTo(1);
    }

    @Test
    void aKeyPushedOutOfTheDecodedKeysBySlotCollisionGetsItsTableBackOnItsNextVerificationWithoutASecondPlace() {
        // DecodedKeys is direct-mapped by a key's last bytes: a key made to share a busy key's slot
        // replaces the busy key's decoded entry, and the busy key's next request decodes it again.
        KeyTables tables = new KeyTables(2);
        Key busy = key();
        sign(tables, busy, KeyTables.EARN);
        CombTable table = busy.entry().table;
        assertThat(table).as("the busy key earned a table").isNotNull();
        Key intruder;
        do {
            intruder = key();
        } while (DecodedKeys.slot(intruder.entry().key) != DecodedKeys.slot(busy.entry().key));
        DecodedKeys.Entry again = keys.entry(busy.entry().key);
        assertThat(again).as("decoded again: a new entry").isNotSameAs(busy.entry());

        byte[] sig = Ed25519.sign(busy.seed(), again.key, MESSAGE);
        assertThat(tables.verify(again, MESSAGE, 0, MESSAGE.length, sig)).isTrue();
        assertThat(again.table).as("the key's table, taken over at once").isSameAs(table);
        assertThat(busy.entry().table).as("the replaced entry lets go of it").isNull();
        assertThat(tables.held()).as("one place for the key, not two").isEqualTo(1);
        byte[] altered = sig.clone();
        altered[40] ^= 1;
        assertThat(tables.verify(again, MESSAGE, 0, MESSAGE.length, altered)).as("BouncyCastle's verdict").isFalse();
    }

    @Test
    void capacityBoundsTheTablesAndZeroDropsThemAll() {
        KeyTables tables = new KeyTables(3);
        Key[] ks = keysThatEarned(tables, 6, 1);
        assertThat(tables.held()).isEqualTo(3);
        int withTables = 0;
        for (Key k : ks) {
            withTables += k.entry().table != null ? 1 : 0;
        }
        assertThat(withTables).isEqualTo(3);
        tables.capacity(1);
        assertThat(tables.held()).isEqualTo(1);
        tables.capacity(0);
        assertThat(tables.held()).isZero();
        for (Key k : ks) {
            assertThat(k.entry().table).isNull();
            sign(tables, k, KeyTables.EARN);
            assertThat(k.entry().table).as("capacity 0 builds none").isNull();
        }
    }

    @Test
    void aKeyNotOfPrimeOrderCompetesButNeverHoldsATableAndKeepsBouncyCastlesVerdicts() throws Exception {
        KeyTables tables = new KeyTables(2);
        // A' = A + (0, -1) = (-x, -y): a point BouncyCastle verifies with, of order 2L. Signed with
        // A's secret scalar a: S = r + k a, which BouncyCastle accepts for about half the messages.
        byte[] seed = CombTableTest.seed(rnd);
        BigInteger[] a = CombTableTest.decode(Ed25519.publicKeyOf(seed));
        BigInteger p = CombTable.P;
        byte[] torsioned = CombTableTest.encode(new BigInteger[] {p.subtract(a[0]).mod(p), p.subtract(a[1]).mod(p)});
        DecodedKeys.Entry entry = keys.entry(torsioned);
        assertThat(entry).isNotNull();
        byte[] h = java.security.MessageDigest.getInstance("SHA-512").digest(seed);
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        BigInteger secret = CombTableTest.le(java.util.Arrays.copyOf(h, 32));
        int passed = 0;
        for (int i = 0; passed < KeyTables.EARN + 10; i++) {
            byte[] msg = ("withdraw " + i).getBytes(StandardCharsets.UTF_8);
            BigInteger r = new BigInteger(250, rnd);
            CombTable.Point rPoint = new CombTable.Point();
            CombTable.sum(CombTable.le(r), 0, CombTable.BASE, new byte[32], 0, CombTable.BASE, rPoint, new CombTable.Scratch());
            byte[] sig = new byte[64];
            System.arraycopy(rPoint.encode(), 0, sig, 0, 32);
            var sha = java.security.MessageDigest.getInstance("SHA-512");
            sha.update(sig, 0, 32);
            sha.update(torsioned);
            sha.update(msg);
            BigInteger k = CombTableTest.le(CombTable.reduce(sha.digest()));
            System.arraycopy(CombTable.le(r.add(k.multiply(secret)).mod(CombTable.L)), 0, sig, 32, 32);
            boolean expected = CombTableTest.bouncyCastle(torsioned, msg, sig);
            assertThat(tables.verify(entry, msg, 0, msg.length, sig)).as("signature %d", i).isEqualTo(expected);
            passed += expected ? 1 : 0;
        }
        assertThat(entry.tableless).as("it competed, and its table was refused").isTrue();
        assertThat(entry.table).isNull();
        assertThat(tables.held()).isZero();
    }

    @Test
    void verdictsThroughTablesAreBouncyCastlesOnGoodAndAlteredSignatures() {
        KeyTables tables = new KeyTables(4);
        Key[] ks = keysThatEarned(tables, 6, 0);
        int fast = 0;
        for (int i = 0; i < 600; i++) {
            Key k = ks[i % ks.length];
            byte[] msg = new byte[1 + rnd.nextInt(200)];
            rnd.nextBytes(msg);
            byte[] sig = Ed25519.sign(k.seed(), k.entry().key, msg);
            switch (i % 4) {
                case 1 -> sig[rnd.nextInt(64)] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> msg[rnd.nextInt(msg.length)] ^= 1;
                default -> { }
            }
            boolean expected = CombTableTest.bouncyCastle(k.entry().key, msg, sig);
            assertThat(tables.verify(k.entry(), msg, 0, msg.length, sig)).as("case %d", i).isEqualTo(expected);
            if (expected && k.entry().table != null) {
                fast++;
            }
        }
        assertThat(fast).as("valid signatures of keys holding tables").isGreaterThan(100);
    }

    @Test
    void threadsVerifyingWhileKeysCompeteGetBouncyCastlesVerdictsAndTheCapacityHolds() throws Exception {
        KeyTables tables = new KeyTables(3);
        Key[] ks = new Key[8];
        byte[][] sigs = new byte[ks.length][];
        byte[][] forged = new byte[ks.length][];
        for (int i = 0; i < ks.length; i++) {
            ks[i] = key();
            sigs[i] = Ed25519.sign(ks[i].seed(), ks[i].entry().key, MESSAGE);
            forged[i] = sigs[i].clone();
            forged[i][40] ^= 1;
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    Random r = new Random(thread);
                    int wrong = 0;
                    for (int i = 0; i < 3_000; i++) {
                        int k = r.nextInt(thread < 2 ? 3 : ks.length); // two threads keep three keys busy
                        boolean good = r.nextInt(5) != 0;
                        boolean verdict = tables.verify(ks[k].entry(), MESSAGE, 0, MESSAGE.length, good ? sigs[k] : forged[k]);
                        wrong += verdict == good ? 0 : 1;
                    }
                    return wrong;
                }));
            }
            for (var f : results) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("wrong verdicts").isZero();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        int withTables = 0;
        for (Key k : ks) {
            withTables += k.entry().table != null ? 1 : 0;
        }
        assertThat(withTables).as("keys with a table").isBetween(1, 3);
        assertThat(tables.held()).isLessThanOrEqualTo(3);
    }
}
