package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.ics23.Ics23Prover;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.ProofSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The update rules of spec §2.4 and the errors a caller can meet. */
class TreeSemanticsTest {
    private final InMemoryTreeStore store = new InMemoryTreeStore();
    private final JellyfishMerkleTree tree = new JellyfishMerkleTree(store);

    private static KeyHash key(String s) {
        return KeyHash.of(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private TreeUpdateResult commit(long v, List<ValueUpdate> updates) {
        TreeUpdateResult r = tree.putValueSet(v, updates);
        store.write(r.batch());
        return r;
    }

    @Test
    void emptyBatchKeepsThePreviousRootUnderANewVersion() {
        TreeUpdateResult v0 = commit(0, List.of(ValueUpdate.put(key("a"), bytes("1")), ValueUpdate.put(key("b"), bytes("2"))));
        TreeUpdateResult v1 = commit(1, List.of());
        assertThat(v1.rootHash()).isEqualTo(v0.rootHash());
        assertThat(tree.rootHash(1)).isEqualTo(v0.rootHash());
        assertThat(v1.batch().nodeCount()).isEqualTo(1);
    }

    @Test
    void deletingAnAbsentKeyChangesNothing() {
        TreeUpdateResult v0 = commit(0, List.of(ValueUpdate.put(key("a"), bytes("1"))));
        TreeUpdateResult v1 = commit(1, List.of(ValueUpdate.delete(key("zzz"))));
        assertThat(v1.rootHash()).isEqualTo(v0.rootHash());
        assertThat(tree.get(key("zzz"), 1)).isNull();
    }

    @Test
    void theLastWriteToAKeyInABatchWins() {
        commit(0, List.of(ValueUpdate.put(key("a"), bytes("1")), ValueUpdate.put(key("a"), bytes("2")),
                ValueUpdate.put(key("b"), bytes("x")), ValueUpdate.delete(key("b"))));
        assertThat(tree.get(key("a"), 0)).isEqualTo(bytes("2"));
        assertThat(tree.get(key("b"), 0)).isNull();
        assertThat(tree.leafCount(0)).isEqualTo(1);
    }

    @Test
    void deletingEverythingLeavesThePlaceholderRootAndReadsStillWork() {
        commit(0, List.of(ValueUpdate.put(key("a"), bytes("1")), ValueUpdate.put(key("b"), bytes("2"))));
        TreeUpdateResult v1 = commit(1, List.of(ValueUpdate.delete(key("a")), ValueUpdate.delete(key("b"))));
        assertThat(v1.rootHash()).isEqualTo(JellyfishMerkleTree.emptyRootHash());
        assertThat(tree.getWithProof(key("a"), 1).proof().verify(v1.rootHash(), key("a"), null)).isTrue();
        assertThat(tree.get(key("a"), 0)).isEqualTo(bytes("1"));
    }

    @Test
    void versionsMustBeContiguousAndWrittenOnce() {
        commit(0, List.of(ValueUpdate.put(key("a"), bytes("1"))));
        assertThatThrownBy(() -> tree.putValueSet(2, List.of())).isInstanceOf(MissingRootException.class)
                .hasMessageContaining("version 1");
        assertThatThrownBy(() -> tree.putValueSet(0, List.of())).isInstanceOf(JmtException.class)
                .hasMessageContaining("already written");
    }

    @Test
    void aVersionNeverWrittenIsAClearError() {
        assertThatThrownBy(() -> tree.rootHash(5)).isInstanceOf(MissingRootException.class)
                .hasMessageContaining("no root for version 5");
    }

    @Test
    void noNonExistenceProofExistsInTheEmptyTree() {
        commit(0, List.of());
        assertThatThrownBy(() -> tree.getWithExclusionProof(key("a"), 0)).isInstanceOf(JmtException.class)
                .hasMessageContaining("empty tree");
    }

    @Test
    void anEmptyValueIsAValueButIcs23CannotProveIt() {
        KeyHash k = store.putPreimage(bytes("k"));
        store.putPreimage(bytes("other"));
        commit(0, List.of(ValueUpdate.put(k, new byte[0]), ValueUpdate.put(key("other"), bytes("v"))));
        assertThat(tree.get(k, 0)).isEmpty();
        ValueWithProof vp = tree.getWithProof(k, 0);
        assertThat(vp.proof().verify(tree.rootHash(0), k, new byte[0])).isTrue();
        var proof = new Ics23Prover(tree, store).prove(bytes("k"), 0);
        assertThat(Ics23Verifier.verifyMembership(proof.proof(), ProofSpec.JMT, proof.root(), bytes("k"), new byte[0])).isFalse();
    }

    @Test
    void exclusionProofsNameTheNeighboursInKeyHashOrder() {
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        commit(0, names.stream().map(n -> ValueUpdate.put(key(n), bytes(n))).toList());
        KeyHash absent = key("not-there");
        ExclusionProof.Absent ex = (ExclusionProof.Absent) tree.getWithExclusionProof(absent, 0);
        List<KeyHash> sorted = names.stream().map(TreeSemanticsTest::key).sorted().toList();
        KeyHash below = sorted.stream().filter(k -> k.compareTo(absent) < 0).reduce((x, y) -> y).orElse(null);
        KeyHash above = sorted.stream().filter(k -> k.compareTo(absent) > 0).findFirst().orElse(null);
        assertThat(ex.left() == null ? null : ex.left().keyHash()).isEqualTo(below);
        assertThat(ex.right() == null ? null : ex.right().keyHash()).isEqualTo(above);
    }
}
