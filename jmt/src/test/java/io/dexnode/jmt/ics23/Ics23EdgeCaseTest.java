package io.dexnode.jmt.ics23;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.ValueUpdate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ICS23 non-existence proofs at the edges of the key space (left of every key, right of every
 * key, between neighbours) in trees of one, two and many keys, their encodings, and the verifier
 * refusing tampered proofs: another value, another key, swapped or one-sided neighbours, another
 * root. Keys are found by their SHA-256 so each edge is hit on purpose (spec §3.6.3).
 */
class Ics23EdgeCaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Tree(InMemoryTreeStore store, JellyfishMerkleTree tree, Ics23Prover prover, byte[] root, List<byte[]> sortedKeys) {}

    static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static byte[] rawKey(SplittableRandom rnd) {
        byte[] k = new byte[1 + rnd.nextInt(12)];
        rnd.nextBytes(k);
        return k;
    }

    static Tree tree(SplittableRandom rnd, int n) throws Exception {
        InMemoryTreeStore store = new InMemoryTreeStore();
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        List<ValueUpdate> updates = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] k = rawKey(rnd);
            keys.add(k);
            updates.add(ValueUpdate.put(store.putPreimage(k), ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        var r = tree.putValueSet(0, updates);
        store.write(r.batch());
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort((a, b) -> {
            try {
                return Arrays.compareUnsigned(sha(a), sha(b));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return new Tree(store, tree, new Ics23Prover(tree, store), r.rootHash(), sorted);
    }

    /** An absent raw key whose SHA-256 sorts below the first key (side -1), above the last (+1), or inside (0). */
    static byte[] absentKey(SplittableRandom rnd, Tree t, int side) throws Exception {
        byte[] first = sha(t.sortedKeys().getFirst());
        byte[] last = sha(t.sortedKeys().getLast());
        for (int tries = 0; tries < 1_000_000; tries++) {
            byte[] k = rawKey(rnd);
            byte[] h = sha(k);
            int lo = Arrays.compareUnsigned(h, first);
            int hi = Arrays.compareUnsigned(h, last);
            boolean hit = switch (side) {
                case -1 -> lo < 0;
                case 1 -> hi > 0;
                default -> lo > 0 && hi < 0;
            };
            if (hit && t.sortedKeys().stream().noneMatch(x -> Arrays.equals(x, k))) {
                return k;
            }
        }
        throw new IllegalStateException("no key found for side " + side);
    }

    @ParameterizedTest(name = "{0} keys")
    @ValueSource(ints = {1, 2, 3, 40})
    void nonExistenceProofsAtBothEdgesAndInsideVerifyAndResistTampering(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(500 + n);
        Tree t = tree(rnd, n);
        for (int side : n == 1 ? new int[] {-1, 1} : new int[] {-1, 0, 1}) {
            byte[] key = absentKey(rnd, t, side);
            Ics23Proof p = t.prover().prove(key, 0);
            assertThat(p.exists()).isFalse();
            NonExistenceProof non = ((CommitmentProof.Nonexist) p.proof()).proof();
            String where = n + " keys, side " + side;
            assertThat(non.left() == null).as(where + ": left neighbour absent only left of all keys").isEqualTo(side == -1);
            assertThat(non.right() == null).as(where + ": right neighbour absent only right of all keys").isEqualTo(side == 1);
            if (non.left() != null) {
                assertThat(sha(non.left().key())).isEqualTo(sha(floor(t, key)));
            }
            if (non.right() != null) {
                assertThat(sha(non.right().key())).isEqualTo(sha(ceiling(t, key)));
            }
            assertThat(Ics23Verifier.verifyNonMembership(p.proof(), ProofSpec.JMT, t.root(), key)).as(where).isTrue();
            checkEncodings(p);

            byte[] badRoot = t.root().clone();
            badRoot[5] ^= 1;
            assertThat(Ics23Verifier.verifyNonMembership(p.proof(), ProofSpec.JMT, badRoot, key)).as(where + " root").isFalse();
            // The same neighbours do not prove a live key absent, nor a key outside their bracket.
            for (byte[] live : t.sortedKeys()) {
                assertThat(Ics23Verifier.verifyNonMembership(p.proof(), ProofSpec.JMT, t.root(), live))
                        .as(where + " live key").isFalse();
            }
            byte[] outside = absentKey(rnd, t, side == 1 ? -1 : 1);
            assertThat(Ics23Verifier.verifyNonMembership(p.proof(), ProofSpec.JMT, t.root(), outside))
                    .as(where + " key outside the bracket").isFalse();
            if (non.left() != null && non.right() != null) {
                CommitmentProof swapped = new CommitmentProof.Nonexist(new NonExistenceProof(key, non.right(), non.left()));
                assertThat(Ics23Verifier.verifyNonMembership(swapped, ProofSpec.JMT, t.root(), key)).as(where + " swapped").isFalse();
                // One side alone is not enough when a key lies beyond it.
                assertThat(Ics23Verifier.verifyNonMembership(new CommitmentProof.Nonexist(
                        new NonExistenceProof(key, non.left(), null)), ProofSpec.JMT, t.root(), key)).as(where + " left only").isFalse();
                assertThat(Ics23Verifier.verifyNonMembership(new CommitmentProof.Nonexist(
                        new NonExistenceProof(key, null, non.right())), ProofSpec.JMT, t.root(), key)).as(where + " right only").isFalse();
            }
            ExistenceProof neighbour = non.left() != null ? non.left() : non.right();
            byte[] otherValue = neighbour.value().clone();
            otherValue[0] ^= 1;
            ExistenceProof tampered = new ExistenceProof(neighbour.key(), otherValue, neighbour.leaf(), neighbour.path());
            CommitmentProof withTampered = new CommitmentProof.Nonexist(non.left() != null
                    ? new NonExistenceProof(key, tampered, non.right())
                    : new NonExistenceProof(key, null, tampered));
            assertThat(Ics23Verifier.verifyNonMembership(withTampered, ProofSpec.JMT, t.root(), key)).as(where + " neighbour value").isFalse();
        }
        // Membership of every key, and its refusal for another value, another key or another root.
        for (int i = 0; i < t.sortedKeys().size(); i++) {
            byte[] key = t.sortedKeys().get(i);
            Ics23Proof p = t.prover().prove(key, 0);
            byte[] value = ((CommitmentProof.Exist) p.proof()).proof().value();
            assertThat(Ics23Verifier.verifyMembership(p.proof(), ProofSpec.JMT, t.root(), key, value)).isTrue();
            assertThat(Ics23Verifier.verifyNonMembership(p.proof(), ProofSpec.JMT, t.root(), key)).isFalse();
            byte[] otherValue = value.clone();
            otherValue[otherValue.length - 1] ^= 1;
            assertThat(Ics23Verifier.verifyMembership(p.proof(), ProofSpec.JMT, t.root(), key, otherValue)).isFalse();
            byte[] otherRoot = t.root().clone();
            otherRoot[31] ^= 1;
            assertThat(Ics23Verifier.verifyMembership(p.proof(), ProofSpec.JMT, otherRoot, key, value)).isFalse();
            byte[] otherKey = t.sortedKeys().get((i + 1) % t.sortedKeys().size());
            if (!Arrays.equals(otherKey, key)) {
                assertThat(Ics23Verifier.verifyMembership(p.proof(), ProofSpec.JMT, t.root(), otherKey, value)).isFalse();
                ExistenceProof e = ((CommitmentProof.Exist) p.proof()).proof();
                CommitmentProof relabelled = new CommitmentProof.Exist(new ExistenceProof(otherKey, value, e.leaf(), e.path()));
                assertThat(Ics23Verifier.verifyMembership(relabelled, ProofSpec.JMT, t.root(), otherKey, value)).isFalse();
            }
            checkEncodings(p);
        }
    }

    private static byte[] floor(Tree t, byte[] key) throws Exception {
        byte[] best = null;
        for (byte[] k : t.sortedKeys()) {
            if (Arrays.compareUnsigned(sha(k), sha(key)) < 0) {
                best = k;
            }
        }
        return best;
    }

    private static byte[] ceiling(Tree t, byte[] key) throws Exception {
        for (byte[] k : t.sortedKeys()) {
            if (Arrays.compareUnsigned(sha(k), sha(key)) > 0) {
                return k;
            }
        }
        return null;
    }

    /**
     * Protobuf round-trips byte for byte, and the JSON form carries exactly the protobuf's fields:
     * rebuilt from the JSON, the proof encodes to the same bytes.
     */
    static void checkEncodings(Ics23Proof p) throws Exception {
        byte[] bytes = Ics23Protobuf.encode(p.proof());
        assertThat(Ics23Protobuf.decodeCommitmentProof(bytes)).isEqualTo(p.proof());
        assertThat(Ics23Protobuf.encode(Ics23Protobuf.decodeCommitmentProof(bytes))).isEqualTo(bytes);
        JsonNode json = JSON.readTree(Ics23Json.render(p));
        assertThat(json.get("root").asText()).isEqualTo(HexFormat.of().formatHex(p.root()));
        CommitmentProof fromJson = json.has("exist")
                ? new CommitmentProof.Exist(existence(json.get("exist")))
                : new CommitmentProof.Nonexist(new NonExistenceProof(HexFormat.of().parseHex(json.get("nonexist").get("key").asText()),
                        existence(json.get("nonexist").get("left")), existence(json.get("nonexist").get("right"))));
        assertThat(Ics23Protobuf.encode(fromJson)).isEqualTo(bytes);
        assertThat(JSON.readTree(Ics23Json.render(p.proof()))).isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) json).without("root"));
    }

    private static ExistenceProof existence(JsonNode e) {
        if (e == null) {
            return null;
        }
        assertThat(e.get("leaf").get("length").asText()).isEqualTo("NO_PREFIX");
        JsonNode l = e.get("leaf");
        LeafOp leaf = new LeafOp(HashOp.valueOf(l.get("hash").asText()), HashOp.valueOf(l.get("prehashKey").asText()),
                HashOp.valueOf(l.get("prehashValue").asText()), LengthOp.valueOf(l.get("length").asText()),
                HexFormat.of().parseHex(l.get("prefix").asText()));
        List<InnerOp> path = new ArrayList<>();
        for (JsonNode s : e.get("path")) {
            path.add(new InnerOp(HashOp.valueOf(s.get("hash").asText()), HexFormat.of().parseHex(s.get("prefix").asText()),
                    HexFormat.of().parseHex(s.get("suffix").asText())));
        }
        return new ExistenceProof(HexFormat.of().parseHex(e.get("key").asText()), HexFormat.of().parseHex(e.get("value").asText()),
                leaf, path);
    }

    @org.junit.jupiter.api.Test
    void existenceProofStepsFollowTheKeyHashBitsAndTheOneKeyProofHasNoSteps() throws Exception {
        SplittableRandom rnd = new SplittableRandom(77);
        Tree one = tree(rnd, 1);
        ExistenceProof solo = ((CommitmentProof.Exist) one.prover().prove(one.sortedKeys().get(0), 0).proof()).proof();
        assertThat(solo.path()).isEmpty();
        assertThat(Ics23Protobuf.encode(solo.leaf())).isEqualTo(HexFormat.of().parseHex("0801100118012a0d4a4d543a3a4c6561664e6f6465"));
        Tree many = tree(rnd, 30);
        for (byte[] key : many.sortedKeys()) {
            ExistenceProof e = ((CommitmentProof.Exist) many.prover().prove(key, 0).proof()).proof();
            byte[] kh = sha(key);
            int n = e.path().size();
            for (int i = 0; i < n; i++) {
                InnerOp op = e.path().get(i);
                int bit = (kh[(n - 1 - i) / 8] >> (7 - (n - 1 - i) % 8)) & 1;
                // Right child: 48-byte prefix (domain ‖ sibling), empty suffix; left child: 16 and 32 (spec §3.6.2).
                assertThat(op.prefix().length).isEqualTo(bit == 1 ? 48 : 16);
                assertThat(op.suffix().length).isEqualTo(bit == 1 ? 0 : 32);
                assertThat(Arrays.copyOf(op.prefix(), 16)).isEqualTo("JMT::IntrnalNode".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
