package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The small cases of spec §1.6 and §2.4 one by one, each against {@link SpecLiteralModel} and the
 * canonical shape ({@link CanonicalShapeRandomizedTest#walk}): the empty tree, one key, a pair that
 * differs only in the last bit, collapse of a 63-node chain when its pair loses a key, deleting
 * the last key, deleting an absent key, an identical rewrite, and proofs in each. Both store modes.
 */
class TreeEdgeCaseTest {

    private static byte[] kh(int firstByte, int lastByte) {
        byte[] b = new byte[32];
        b[0] = (byte) firstByte;
        b[31] = (byte) lastByte;
        return b;
    }

    private static byte[] val(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A tree, the model beside it, and one commit helper that checks both after every version. */
    private static final class Fixture {
        final InMemoryTreeStore store;
        final JellyfishMerkleTree tree;
        final SpecLiteralModel model = new SpecLiteralModel();
        long next;

        Fixture(boolean linked) {
            store = new InMemoryTreeStore(linked);
            tree = new JellyfishMerkleTree(store);
        }

        TreeUpdateResult commit(ValueUpdate... updates) {
            long v = next++;
            TreeUpdateResult r = tree.putValueSet(v, List.of(updates));
            store.write(r.batch());
            model.apply(List.of(updates));
            assertThat(r.rootHash()).as("v%d root", v).isEqualTo(model.root());
            assertThat(tree.rootHash(v)).isEqualTo(model.root());
            CanonicalShapeRandomizedTest.walk(store, v, model, "v" + v);
            return r;
        }

        /** The native proof of key hash {@code k} at the latest version matches the model and verifies. */
        void checkProof(byte[] k) {
            long v = next - 1;
            KeyHash key = KeyHash.fromBytes(k);
            ValueWithProof vp = tree.getWithProof(key, v);
            SpecLiteralModel.Proof expected = model.proof(k);
            assertThat(vp.value()).isEqualTo(model.get(k));
            assertThat(vp.proof().siblings().stream().map(s -> SharedVectors.hex(s.hash())).toList())
                    .isEqualTo(expected.siblingsBottomUp().stream().map(SharedVectors::hex).toList());
            assertThat(vp.proof().leaf() == null ? null : vp.proof().leaf().keyHash().bytes())
                    .isEqualTo(expected.leafKeyHash());
            assertThat(vp.proof().verify(model.root(), key, model.get(k))).isTrue();
            byte[] other = model.get(k) == null ? val("x") : null;
            assertThat(vp.proof().verify(model.root(), key, other)).isFalse();
        }
    }

    private static ValueUpdate put(byte[] k, String v) {
        return ValueUpdate.put(KeyHash.fromBytes(k), val(v));
    }

    private static ValueUpdate del(byte[] k) {
        return ValueUpdate.delete(KeyHash.fromBytes(k));
    }

    @ParameterizedTest(name = "linked {0}")
    @ValueSource(booleans = {true, false})
    void emptyTreeRootIsThePlaceholderAndEveryKeyIsProvablyAbsent(boolean linked) {
        Fixture f = new Fixture(linked);
        TreeUpdateResult r = f.commit();
        assertThat(r.rootHash()).isEqualTo(SpecLiteralModel.PLACEHOLDER);
        assertThat(f.tree.leafCount(0)).isZero();
        f.checkProof(kh(0, 0));
        f.checkProof(kh(0xff, 0xff));
        assertThat(f.tree.getWithProof(KeyHash.fromBytes(kh(1, 2)), 0).proof().siblings()).isEmpty();
        // Deleting from the empty tree keeps it empty, with a root under the new version.
        f.commit(del(kh(1, 2)));
        assertThat(f.tree.rootHash(1)).isEqualTo(SpecLiteralModel.PLACEHOLDER);
    }

    @ParameterizedTest(name = "linked {0}")
    @ValueSource(booleans = {true, false})
    void oneKeyTreeRootIsItsLeafHashAndOtherKeysAreProvablyAbsent(boolean linked) {
        Fixture f = new Fixture(linked);
        byte[] k = kh(0x80, 1);
        f.commit(put(k, "v"));
        assertThat(f.tree.rootHash(0)).isEqualTo(SpecLiteralModel.leafHash(k, val("v")));
        f.checkProof(k);
        f.checkProof(kh(0, 0));
        f.checkProof(kh(0xff, 0xff));
        ExclusionProof.Absent below = (ExclusionProof.Absent) f.tree.getWithExclusionProof(KeyHash.fromBytes(kh(0, 0)), 0);
        assertThat(below.left()).isNull();
        assertThat(below.right().keyHash().bytes()).isEqualTo(k);
        ExclusionProof.Absent above = (ExclusionProof.Absent) f.tree.getWithExclusionProof(KeyHash.fromBytes(kh(0xff, 0)), 0);
        assertThat(above.left().keyHash().bytes()).isEqualTo(k);
        assertThat(above.right()).isNull();
    }

    @ParameterizedTest(name = "linked {0}")
    @ValueSource(booleans = {true, false})
    void aPairDifferingInTheLastBitSplitsDownTheWholePathAndCollapsesBackOnDelete(boolean linked) {
        Fixture f = new Fixture(linked);
        byte[] a = kh(0x12, 0x00);
        byte[] b = kh(0x12, 0x01);
        byte[] c = kh(0x92, 0x00);
        f.commit(put(a, "a"));
        f.commit(put(b, "b")); // the root leaf splits into 64 levels of nodes
        assertThat(f.tree.getWithProof(KeyHash.fromBytes(a), 1).proof().siblings()).hasSize(256);
        f.checkProof(a);
        f.checkProof(b);
        f.checkProof(kh(0x12, 0x02)); // absent, deep inside the chain
        f.commit(put(c, "c"));
        f.checkProof(c);
        f.commit(del(a)); // the chain collapses: b rises to depth 1, beside c
        assertThat(f.tree.getWithProof(KeyHash.fromBytes(b), 3).proof().siblings()).hasSize(1);
        f.checkProof(b);
        f.checkProof(a);
        f.commit(del(c)); // b rises to the root
        assertThat(f.store.getNode(NodeKey.root(4))).isInstanceOf(LeafNode.class);
        f.checkProof(b);
        f.commit(put(a, "a2"), del(b)); // delete and insert in one batch: a alone
        f.checkProof(a);
        f.commit(del(a)); // the last key: empty
        assertThat(f.tree.rootHash(6)).isEqualTo(SpecLiteralModel.PLACEHOLDER);
        f.commit(put(c, "c"), put(b, "b"), put(a, "a")); // regrow from the Null root
        f.checkProof(a);
        // Every earlier version still has its own shape.
        List<SpecLiteralModel> expected = new ArrayList<>();
        SpecLiteralModel replay = new SpecLiteralModel();
        List<List<ValueUpdate>> batches = List.of(List.of(put(a, "a")), List.of(put(b, "b")), List.of(put(c, "c")),
                List.of(del(a)), List.of(del(c)), List.of(put(a, "a2"), del(b)), List.of(del(a)),
                List.of(put(c, "c"), put(b, "b"), put(a, "a")));
        for (List<ValueUpdate> batch : batches) {
            replay.apply(batch);
            expected.add(replay.copy());
        }
        for (int v = 0; v < expected.size(); v++) {
            CanonicalShapeRandomizedTest.walk(f.store, v, expected.get(v), "re-walk v" + v);
        }
    }

    @ParameterizedTest(name = "linked {0}")
    @ValueSource(booleans = {true, false})
    void noOpVersionsKeepTheRootAndWriteOnlyTheRoot(boolean linked) {
        Fixture f = new Fixture(linked);
        byte[] a = kh(0x12, 0x00);
        byte[] b = kh(0x12, 0x01);
        TreeUpdateResult v0 = f.commit(put(a, "a"), put(b, "b"));
        TreeUpdateResult absent = f.commit(del(kh(0x12, 0x02)), del(kh(0x70, 0)));
        assertThat(absent.rootHash()).isEqualTo(v0.rootHash());
        assertThat(absent.batch().nodeCount()).isEqualTo(1);
        TreeUpdateResult same = f.commit(put(a, "a"));
        assertThat(same.rootHash()).isEqualTo(v0.rootHash());
        TreeUpdateResult empty = f.commit();
        assertThat(empty.rootHash()).isEqualTo(v0.rootHash());
        assertThat(empty.batch().nodeCount()).isEqualTo(1);
        f.checkProof(a);
        f.checkProof(kh(0x12, 0x02));
        assertThat(f.tree.get(KeyHash.fromBytes(a), 3)).isEqualTo(val("a"));
    }

    @ParameterizedTest(name = "linked {0}")
    @ValueSource(booleans = {true, false})
    void aTreeWrittenAtThePreGenesisVersionStaysReadableAfterItsRootIsPruned(boolean linked) {
        // Spec §2.4: version 0 starts from the root at u64::MAX when there is one.
        InMemoryTreeStore store = new InMemoryTreeStore(linked);
        JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
        byte[] a = kh(0x10, 0);
        byte[] b = kh(0x18, 0);
        byte[] c = kh(0x90, 0);
        store.write(tree.putValueSet(-1L, List.of(put(a, "a"), put(b, "b"), put(c, "c"))).batch());
        TreeUpdateResult v0 = tree.putValueSet(0, List.of(put(c, "c0")));
        store.write(v0.batch());
        SpecLiteralModel model = new SpecLiteralModel();
        model.apply(List.of(put(a, "a"), put(b, "b"), put(c, "c0")));
        assertThat(v0.rootHash()).isEqualTo(model.root());
        // The left subtree (a, b) is still the one written at u64::MAX.
        assertThat(((InternalNode) store.getNode(NodeKey.root(0))).childVersion(0x1)).isEqualTo(-1L);
        store.pruneStaleNodes(0);
        CanonicalShapeRandomizedTest.walk(store, 0, model, "v0 after pruning the pre-genesis root");
        ValueWithProof vp = tree.getWithProof(KeyHash.fromBytes(c), 0);
        assertThat(vp.proof().verify(model.root(), KeyHash.fromBytes(c), val("c0"))).isTrue();
    }
}
