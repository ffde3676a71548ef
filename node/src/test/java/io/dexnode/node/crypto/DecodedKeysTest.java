package io.dexnode.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoded-key cache behind {@link Ed25519#verify}: a verdict never depends on whether the key
 * was cached, a key is decoded once while it keeps its slot, keys sharing a slot replace each other
 * and still verify, and a key that is not a point is refused.
 */
class DecodedKeysTest {
    private static final byte[] MESSAGE = "{\"type\":\"place\",\"nonce\":7}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void cachedAndUncachedVerdictsAgreeOnSignaturesKeysAndMessagesGoodAndBad() {
        Random rnd = new Random(20261206L);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 400; i++) {
            byte[] seed = new byte[32];
            rnd.nextBytes(seed);
            byte[] pub = Ed25519.publicKeyOf(seed);
            byte[] msg = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(msg);
            byte[] sig = Ed25519.sign(seed, pub, msg);
            byte[] key = pub;
            switch (i % 5) {
                case 1 -> sig[rnd.nextInt(64)] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> msg[rnd.nextInt(msg.length)] ^= 1;
                case 3 -> {
                    key = pub.clone();
                    key[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8)); // often not a point at all
                }
                case 4 -> {
                    key = new byte[32];
                    rnd.nextBytes(key);
                }
                default -> { }
            }
            boolean uncached = Ed25519.verifyUncached(key, msg, sig);
            // Twice: the first may decode, the second finds the key cached.
            assertThat(Ed25519.verify(key, msg, sig)).as("case %d, first", i).isEqualTo(uncached);
            assertThat(Ed25519.verify(key, msg, sig)).as("case %d, cached", i).isEqualTo(uncached);
            if (uncached) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted).as("valid signatures").isEqualTo(80);
        assertThat(refused).isEqualTo(320);
    }

    @Test
    void aKeyIsDecodedOnceWhileItKeepsItsSlotAndSlotMatesReplaceEachOther() {
        DecodedKeys keys = new DecodedKeys();
        Map<Integer, byte[]> bySlot = new HashMap<>();
        Random rnd = new Random(7L);
        byte[][] pair = null;
        while (pair == null) {
            byte[] seed = new byte[32];
            rnd.nextBytes(seed);
            byte[] pub = Ed25519.publicKeyOf(seed);
            byte[] mate = bySlot.putIfAbsent(DecodedKeys.slot(pub), pub);
            if (mate != null) {
                pair = new byte[][] {mate, pub};
            }
        }
        var first = keys.point(pair[0]);
        assertThat(keys.point(pair[0])).as("the same decoded point, not a new decoding").isSameAs(first);
        var second = keys.point(pair[1]);
        assertThat(second).isNotNull().isNotSameAs(first);
        assertThat(keys.point(pair[0])).as("decoded again after its slot-mate took the slot").isNotSameAs(first);
        byte[] encoded = new byte[32];
        org.bouncycastle.math.ec.rfc8032.Ed25519.encodePublicPoint(keys.point(pair[1]), encoded, 0);
        assertThat(encoded).as("the point the slot now holds is its own key's").isEqualTo(pair[1]);
    }

    @Test
    void aKeyThatIsNotAPointIsRefusedCachedOrNot() {
        DecodedKeys keys = new DecodedKeys();
        byte[] notCanonical = new byte[32];
        java.util.Arrays.fill(notCanonical, (byte) 0xFF); // y = 2^255 - 1 >= p
        notCanonical[31] = 0x7F;
        assertThat(keys.point(notCanonical)).isNull();
        assertThat(Ed25519.verify(notCanonical, MESSAGE, new byte[64])).isFalse();
        byte[] seed = new byte[32];
        byte[] pub = Ed25519.publicKeyOf(seed);
        byte[] sig = Ed25519.sign(seed, pub, MESSAGE);
        assertThat(Ed25519.verify(pub, MESSAGE, sig)).isTrue();
        assertThat(Ed25519.verify(pub, MESSAGE, sig)).as("again, from the cache").isTrue();
    }
}
