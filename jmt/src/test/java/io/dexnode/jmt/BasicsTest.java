package io.dexnode.jmt;

import static io.dexnode.jmt.SharedVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hashing constants and the bit/nibble conventions of spec §1 and §9. */
class BasicsTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void leafHashOfHelloWorldIsTheSpecsExample() {
        JmtHasher h = new JmtHasher();
        byte[] leaf = h.leafHash(KeyHash.of(ascii("hello")), h.valueHash(ascii("world")));
        assertThat(hex(leaf)).isEqualTo("6b97115f56e533f2fd443f7e76e4d1ff94d34e6b2e233f2dbdf5cfd1ec39a30c");
    }

    @Test
    void twoPairRootIsTheInternalHashOfTheLeavesInBitOrder() {
        JmtHasher h = new JmtHasher();
        byte[] hello = h.leafHash(KeyHash.of(ascii("hello")), h.valueHash(ascii("world")));
        byte[] goodbye = h.leafHash(KeyHash.of(ascii("goodbye")), h.valueHash(ascii("world")));
        assertThat(hex(h.internalHash(hello, goodbye)))
                .isEqualTo("e1e1e220d4b4a9611a9a09dbcee964b4a6c3a40f6f4dee265ad45cf64568790b");
    }

    @Test
    void placeholderIsTheAsciiConstantNotAHash() {
        assertThat(hex(JmtHasher.placeholder()))
                .isEqualTo("5350415253455f4d45524b4c455f504c414345484f4c4445525f484153485f5f");
        assertThat(JellyfishMerkleTree.emptyRootHash()).isEqualTo(ascii("SPARSE_MERKLE_PLACEHOLDER_HASH__"));
        assertThat(JmtHasher.internalDomain()).hasSize(16).isEqualTo(ascii("JMT::IntrnalNode"));
        assertThat(JmtHasher.leafDomain()).hasSize(13);
    }

    @Test
    void keyHashBitsAndNibblesAreMsbFirst() {
        byte[] b = new byte[32];
        b[0] = (byte) 0x9c; // 1001 1100
        b[31] = 0x01;
        KeyHash k = KeyHash.fromBytes(b);
        assertThat(k.bit(0)).isEqualTo(1);
        assertThat(k.bit(1)).isEqualTo(0);
        assertThat(k.bit(3)).isEqualTo(1);
        assertThat(k.bit(255)).isEqualTo(1);
        assertThat(k.nibble(0)).isEqualTo(0x9);
        assertThat(k.nibble(1)).isEqualTo(0xc);
        assertThat(k.nibble(63)).isEqualTo(0x1);
        assertThat(k.bytes()).isEqualTo(b);
        assertThat(KeyHash.fromHex(k.hex())).isEqualTo(k);
        assertThat(NibblePath.prefixOf(k, 3).toHex()).isEqualTo("9c0");
        assertThat(NibblePath.childOf(k, 2, 0xf)).isEqualTo(NibblePath.fromHex("9cf"));
    }

    @Test
    void keyHashesOrderAsUnsignedBytes() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80; // negative as a signed byte/long, but greater unsigned
        assertThat(KeyHash.fromBytes(low)).isLessThan(KeyHash.fromBytes(high));
        byte[] lastBit = new byte[32];
        lastBit[31] = 1;
        assertThat(KeyHash.fromBytes(low).commonPrefixBits(KeyHash.fromBytes(lastBit))).isEqualTo(255);
        assertThat(KeyHash.fromBytes(low).compareTo(KeyHash.fromBytes(lastBit))).isNegative();
    }
}
