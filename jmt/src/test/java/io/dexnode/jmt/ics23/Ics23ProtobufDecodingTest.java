package io.dexnode.jmt.ics23;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.JmtHasher;
import io.dexnode.jmt.ValueUpdate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The protobuf decoder never gives bytes another meaning than protobuf (prost, which the Rust
 * crates decode with) gives them: a message field that appears twice — protobuf merges the two,
 * this decoder kept the last, so a proof with an extra step read as the genuine proof — a varint
 * past 64 bits and a tag past 32 bits are refused; a genuine proof, and one with an unknown field
 * of a large number, decode and verify.
 */
class Ics23ProtobufDecodingTest {
    private byte[] root;
    private byte[] key;
    private ExistenceProof proof;

    @BeforeEach
    void aliceProvedInATreeOfFive() {
        InMemoryTreeStore store = new InMemoryTreeStore();
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<ValueUpdate> updates = new ArrayList<>();
        for (String k : List.of("alice", "bob", "carol", "dave", "erin")) {
            updates.add(ValueUpdate.put(store.putPreimage(k.getBytes(StandardCharsets.UTF_8)),
                    ("v-" + k).getBytes(StandardCharsets.UTF_8)));
        }
        store.write(tree.putValueSet(0, updates).batch());
        key = "alice".getBytes(StandardCharsets.UTF_8);
        Ics23Proof p = new Ics23Prover(tree, store).prove(key, 0);
        root = p.root();
        proof = ((CommitmentProof.Exist) p.proof()).proof();
    }

    private boolean verifies(byte[] wire) {
        return Ics23Verifier.verifyMembership(Ics23Protobuf.decodeCommitmentProof(wire), ProofSpec.JMT, root, key,
                proof.value());
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] field(long number, byte[] body) {
        return cat(varint((number << 3) | 2), varint(body.length), body);
    }

    @Test
    void aGenuineProofDecodesAndVerifies() {
        assertThat(verifies(field(1, Ics23Protobuf.encode(proof)))).isTrue();
    }

    @Test
    void anExistenceProofThatAppearsTwiceIsRefused() {
        // Protobuf reads these bytes as one proof with an extra step first (which does not verify);
        // keeping only the second part read them as the genuine proof.
        InnerOp extra = new InnerOp(HashOp.SHA256, JmtHasher.internalDomain(), JmtHasher.placeholder());
        byte[] onlyPath = Ics23Protobuf.encode(new ExistenceProof(null, null, null, List.of(extra)));
        byte[] wire = cat(field(1, onlyPath), field(1, Ics23Protobuf.encode(proof)));
        assertThatThrownBy(() -> verifies(wire)).isInstanceOf(Ics23Exception.class).hasMessageContaining("appears twice");
    }

    @Test
    void aLeafOrANeighbourThatAppearsTwiceIsRefused() {
        // the existence proof's leaf (field 3) repeated
        byte[] twiceLeaf = cat(Ics23Protobuf.encode(proof), field(3, Ics23Protobuf.encode(proof.leaf())));
        assertThatThrownBy(() -> verifies(field(1, twiceLeaf))).isInstanceOf(Ics23Exception.class)
                .hasMessageContaining("field 3 appears twice");
        byte[] nonexist = cat(field(1, "zed".getBytes(StandardCharsets.UTF_8)), field(2, Ics23Protobuf.encode(proof)),
                field(2, Ics23Protobuf.encode(proof)));
        assertThatThrownBy(() -> Ics23Protobuf.decodeCommitmentProof(field(2, nonexist))).isInstanceOf(Ics23Exception.class)
                .hasMessageContaining("field 2 appears twice");
    }

    @Test
    void aVarintPastSixtyFourBitsIsRefused() {
        byte[] genuine = Ics23Protobuf.encode(proof);
        byte[] length = new byte[10];
        for (int i = 0; i < 9; i++) {
            length[i] = (byte) (((genuine.length >>> (7 * i)) & 0x7F) | 0x80);
        }
        length[9] = 0x7E; // bits 64 and up: protobuf refuses the varint
        assertThatThrownBy(() -> verifies(cat(new byte[] {0x0a}, length, genuine))).isInstanceOf(Ics23Exception.class)
                .hasMessageContaining("overflows 64 bits");
    }

    @Test
    void aTagPastThirtyTwoBitsIsRefusedAndALargeUnknownFieldIsSkipped() {
        byte[] genuine = Ics23Protobuf.encode(proof);
        byte[] tagWithBit63 = cat(varint(0x0aL | (1L << 63)), varint(genuine.length), genuine);
        assertThatThrownBy(() -> verifies(tagWithBit63)).isInstanceOf(Ics23Exception.class).hasMessageContaining("invalid field tag");
        // field number 2^29 - 1 (the largest), length-delimited: unknown, skipped
        byte[] unknown = field((1L << 29) - 1, new byte[] {1, 2, 3});
        assertThat(verifies(cat(unknown, field(1, genuine)))).isTrue();
    }
}
