package io.dexnode.jmt.ics23;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.jmt.ExclusionProof;
import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.JmtHasher;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.LeafNode;
import io.dexnode.jmt.SparseMerkleProof;
import io.dexnode.jmt.TreeUpdateResult;
import io.dexnode.jmt.ValueUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Soundness of proof verification against forgeries made from genuine proofs: whatever
 * {@link Ics23Verifier} or {@link SparseMerkleProof#verify} accepts must be true of the tree, as
 * told by the map of keys and values that were put into it.
 *
 * <p>Each seed builds one tree, in a linked or an indexed store: 1 to 3 keys, 2 to 7, or 2 to 41
 * plus three keys whose hashes share 10 to 16 leading bits with a live key (deep paths,
 * placeholder siblings). The keys asked about are the live ones, 12 random absent ones and 4 more
 * near neighbours; the forgeries start from the genuine ICS23 and native proofs about all of them
 * (existence, non-existence, and the neighbours of each exclusion proof): recombined neighbours,
 * mutated ICS23 proofs, and native proofs genuine or mutated, each asked about other keys and
 * values.
 */
class ProofForgeryRandomizedTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int MUTATED_ICS23_PROOFS = 3000;
    private static final int RECOMBINATIONS_PER_KEY = 60;

    /** The seed also picks the tree: its size class (seed % 4) and a linked or indexed store (seed % 2). */
    static long[] seeds() {
        return LongStream.rangeClosed(1, 50).toArray();
    }

    /** Any two genuine existence proofs, or one with nothing on the other side, as the neighbours. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyTwoGenuineNeighboursProveAbsentOnlyAnAbsentKey(long seed) {
        Fixture f = new Fixture(seed);
        List<ExistenceProof> sides = new ArrayList<>(f.existence);
        sides.add(null);
        for (byte[] key : f.universe) {
            boolean present = f.values.containsKey(KeyHash.of(key));
            for (int i = 0; i < RECOMBINATIONS_PER_KEY; i++) {
                ExistenceProof left = sides.get(f.r.nextInt(sides.size()));
                ExistenceProof right = sides.get(f.r.nextInt(sides.size()));
                if (left == null && right == null) {
                    continue;
                }
                CommitmentProof p = new CommitmentProof.Nonexist(new NonExistenceProof(key, left, right));
                if (Ics23Verifier.verifyNonMembership(p, ProofSpec.JMT, f.root, key)) {
                    assertThat(present).as("seed %d: live key %s proved absent", seed, HEX.formatHex(key)).isFalse();
                }
            }
        }
    }

    /**
     * Mutations: a path step dropped, repeated, bit-flipped, moved to the other side or the whole
     * path taken from another proof; the key, value or leaf prefix changed; an extra top step with a
     * placeholder sibling; an existence proof turned into a neighbour of a non-existence proof.
     * Each is asked about its own key or another, with its own value or another.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aMutatedIcs23ProofIsAcceptedOnlyForATrueStatement(long seed) {
        Fixture f = new Fixture(seed);
        SplittableRandom r = f.r;
        for (int i = 0; i < MUTATED_ICS23_PROOFS; i++) {
            CommitmentProof genuine = f.ics23.get(r.nextInt(f.ics23.size()));
            byte[] other = f.universe.get(r.nextInt(f.universe.size()));
            CommitmentProof forged = mutate(r, genuine, f.existence, f.universe);
            if (forged instanceof CommitmentProof.Exist e) {
                byte[] value = r.nextInt(3) == 0 ? randomBytes(r, 1 + r.nextInt(6)) : e.proof().value();
                byte[] key = r.nextInt(3) == 0 ? other : e.proof().key();
                if (Ics23Verifier.verifyMembership(forged, ProofSpec.JMT, f.root, key, value)) {
                    assertThat(f.values.get(KeyHash.of(key)))
                            .as("seed %d: membership of %s forged: %s", seed, HEX.formatHex(key), forged)
                            .isEqualTo(value);
                }
            } else {
                byte[] key = r.nextBoolean() ? other : ((CommitmentProof.Nonexist) forged).proof().key();
                if (Ics23Verifier.verifyNonMembership(forged, ProofSpec.JMT, f.root, key)) {
                    assertThat(f.values.containsKey(KeyHash.of(key)))
                            .as("seed %d: non-membership of %s forged: %s", seed, HEX.formatHex(key), forged)
                            .isFalse();
                }
            }
        }
    }

    /**
     * Every genuine native proof, and a mutation of it (a sibling dropped, a placeholder inserted,
     * the leaf removed or taken from another proof, the siblings of another proof), asked about
     * every key with no value, with every live value and with a changed true value.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aNativeProofGenuineOrMutatedIsAcceptedOnlyForATrueStatement(long seed) {
        Fixture f = new Fixture(seed);
        for (byte[] key : f.universe) {
            KeyHash kh = KeyHash.of(key);
            byte[] truth = f.values.get(kh);
            for (SparseMerkleProof genuine : f.natives) {
                assertAcceptedOnlyIfTrue(seed, genuine, f, kh, truth);
                assertAcceptedOnlyIfTrue(seed, mutate(f.r, genuine, f.natives), f, kh, truth);
            }
        }
    }

    private static void assertAcceptedOnlyIfTrue(long seed, SparseMerkleProof p, Fixture f, KeyHash kh, byte[] truth) {
        if (p.verify(f.root, kh, null)) {
            assertThat(truth).as("seed %d: non-existence of live %s by %s", seed, kh, p).isNull();
        }
        for (byte[] value : f.values.values()) {
            if (p.verify(f.root, kh, value)) {
                assertThat(truth).as("seed %d: existence of %s = %s by %s", seed, kh, HEX.formatHex(value), p)
                        .isEqualTo(value);
            }
        }
        if (truth != null) {
            byte[] changed = truth.clone();
            changed[0] ^= 1;
            assertThat(p.verify(f.root, kh, changed)).as("seed %d: changed value of %s by %s", seed, kh, p).isFalse();
        }
    }

    /** One tree and the genuine proofs about it; {@link #r} continues the seed's stream. */
    private static final class Fixture {
        final SplittableRandom r;
        final TreeMap<KeyHash, byte[]> values = new TreeMap<>();
        final byte[] root;
        final List<byte[]> universe = new ArrayList<>();
        final List<CommitmentProof> ics23 = new ArrayList<>();
        /** ICS23 existence proofs: of live keys, and the neighbours in every non-existence proof. */
        final List<ExistenceProof> existence = new ArrayList<>();
        /** Native proofs of every key asked about, and the neighbours in every exclusion proof. */
        final List<SparseMerkleProof> natives = new ArrayList<>();

        Fixture(long seed) {
            r = new SplittableRandom(seed);
            InMemoryTreeStore store = new InMemoryTreeStore(seed % 2 == 0);
            JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
            int shape = (int) (seed % 4);
            int n = switch (shape) {
                case 0 -> 1 + r.nextInt(3);
                case 1 -> 2 + r.nextInt(6);
                default -> 2 + r.nextInt(40);
            };
            List<byte[]> live = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                live.add(randomBytes(r, 1 + r.nextInt(8)));
            }
            if (shape >= 2) {
                for (int i = 0; i < 3; i++) {
                    live.add(near(r, live.get(r.nextInt(live.size())), 10 + r.nextInt(7)));
                }
            }
            TreeMap<KeyHash, byte[]> rawKeys = new TreeMap<>();
            List<ValueUpdate> updates = new ArrayList<>();
            for (byte[] k : live) {
                byte[] v = randomBytes(r, 1 + r.nextInt(6));
                store.putPreimage(k);
                values.put(KeyHash.of(k), v);
                rawKeys.put(KeyHash.of(k), k);
                updates.add(ValueUpdate.put(KeyHash.of(k), v));
            }
            TreeUpdateResult result = tree.putValueSet(0, updates);
            store.write(result.batch());
            root = result.rootHash();

            universe.addAll(rawKeys.values());
            for (int i = 0; i < 12; i++) {
                universe.add(randomBytes(r, 1 + r.nextInt(8)));
            }
            for (int i = 0; i < 4; i++) {
                universe.add(near(r, live.get(r.nextInt(live.size())), 8 + r.nextInt(8)));
            }
            Ics23Prover prover = new Ics23Prover(tree, store);
            for (byte[] k : universe) {
                CommitmentProof p = prover.prove(k, 0).proof();
                ics23.add(p);
                switch (p) {
                    case CommitmentProof.Exist e -> existence.add(e.proof());
                    case CommitmentProof.Nonexist ne -> {
                        if (ne.proof().left() != null) {
                            existence.add(ne.proof().left());
                        }
                        if (ne.proof().right() != null) {
                            existence.add(ne.proof().right());
                        }
                    }
                }
                natives.add(tree.getWithProof(KeyHash.of(k), 0).proof());
                if (tree.getWithExclusionProof(KeyHash.of(k), 0) instanceof ExclusionProof.Absent a) {
                    if (a.left() != null) {
                        natives.add(a.left().proof());
                    }
                    if (a.right() != null) {
                        natives.add(a.right().proof());
                    }
                }
            }
        }
    }

    private static SparseMerkleProof mutate(SplittableRandom r, SparseMerkleProof p, List<SparseMerkleProof> others) {
        List<SparseMerkleProof.Sibling> siblings = new ArrayList<>(p.siblings());
        LeafNode leaf = p.leaf();
        switch (r.nextInt(6)) {
            case 0 -> {
                if (!siblings.isEmpty()) {
                    siblings.remove(r.nextInt(siblings.size()));
                }
            }
            case 1 -> siblings.add(r.nextInt(siblings.size() + 1), new SparseMerkleProof.Placeholder());
            case 2 -> leaf = null;
            case 3 -> leaf = others.get(r.nextInt(others.size())).leaf();
            case 4 -> {
                if (!siblings.isEmpty()) {
                    siblings.removeFirst();
                }
            }
            default -> siblings = new ArrayList<>(others.get(r.nextInt(others.size())).siblings());
        }
        return new SparseMerkleProof(leaf, siblings);
    }

    private static CommitmentProof mutate(SplittableRandom r, CommitmentProof p, List<ExistenceProof> existence,
            List<byte[]> universe) {
        return switch (p) {
            case CommitmentProof.Exist e -> r.nextInt(5) == 0
                    ? new CommitmentProof.Nonexist(new NonExistenceProof(e.proof().key(), mutate(r, e.proof(), existence),
                            r.nextBoolean() ? null : existence.get(r.nextInt(existence.size()))))
                    : new CommitmentProof.Exist(mutate(r, e.proof(), existence));
            case CommitmentProof.Nonexist ne -> {
                NonExistenceProof q = ne.proof();
                ExistenceProof left = q.left();
                ExistenceProof right = q.right();
                switch (r.nextInt(4)) {
                    case 0 -> left = left == null ? existence.get(r.nextInt(existence.size())) : mutate(r, left, existence);
                    case 1 -> right = right == null ? existence.get(r.nextInt(existence.size())) : mutate(r, right, existence);
                    case 2 -> {
                        left = left == null ? null : mutate(r, left, existence);
                        right = right == null ? null : mutate(r, right, existence);
                    }
                    default -> {
                        if (r.nextBoolean()) {
                            left = null;
                        } else {
                            right = null;
                        }
                    }
                }
                if (left == null && right == null) {
                    left = existence.get(r.nextInt(existence.size()));
                }
                byte[] key = r.nextInt(4) == 0 ? universe.get(r.nextInt(universe.size())) : q.key();
                yield new CommitmentProof.Nonexist(new NonExistenceProof(key, left, right));
            }
        };
    }

    private static ExistenceProof mutate(SplittableRandom r, ExistenceProof e, List<ExistenceProof> existence) {
        List<InnerOp> path = new ArrayList<>(e.path());
        byte[] key = e.key();
        byte[] value = e.value();
        LeafOp leaf = e.leaf();
        switch (r.nextInt(10)) {
            case 0 -> {
                if (!path.isEmpty()) {
                    path.remove(r.nextInt(path.size()));
                }
            }
            case 1 -> {
                if (!path.isEmpty()) {
                    path.add(r.nextInt(path.size() + 1), path.get(r.nextInt(path.size())));
                }
            }
            case 2 -> {
                if (!path.isEmpty()) {
                    int i = r.nextInt(path.size());
                    InnerOp op = path.get(i);
                    byte[] prefix = op.prefix();
                    byte[] suffix = op.suffix();
                    if (r.nextBoolean() && prefix.length > 0) {
                        prefix[r.nextInt(prefix.length)] ^= (byte) (1 << r.nextInt(8));
                    } else if (suffix.length > 0) {
                        suffix[r.nextInt(suffix.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                    path.set(i, new InnerOp(op.hash(), prefix, suffix));
                }
            }
            case 3 -> {
                // The sibling moved to the other side: domain ‖ sibling ‖ (child) or domain ‖ (child) ‖ sibling.
                if (!path.isEmpty()) {
                    int i = r.nextInt(path.size());
                    InnerOp op = path.get(i);
                    byte[] prefix = op.prefix();
                    byte[] suffix = op.suffix();
                    byte[] domain = Arrays.copyOf(prefix, 16);
                    if (suffix.length == 32) {
                        byte[] moved = Arrays.copyOf(domain, 48);
                        System.arraycopy(suffix, 0, moved, 16, 32);
                        path.set(i, new InnerOp(op.hash(), moved, new byte[0]));
                    } else if (prefix.length == 48) {
                        path.set(i, new InnerOp(op.hash(), domain, Arrays.copyOfRange(prefix, 16, 48)));
                    }
                }
            }
            case 4 -> path = new ArrayList<>(existence.get(r.nextInt(existence.size())).path());
            case 5 -> key = existence.get(r.nextInt(existence.size())).key();
            case 6 -> value = existence.get(r.nextInt(existence.size())).value();
            case 7 -> {
                byte[] prefix = leaf.prefix();
                byte[] longer = Arrays.copyOf(prefix, prefix.length + 1 + r.nextInt(40));
                for (int i = prefix.length; i < longer.length; i++) {
                    longer[i] = (byte) r.nextInt(256);
                }
                leaf = new LeafOp(leaf.hash(), leaf.prehashKey(), leaf.prehashValue(), leaf.length(), longer);
            }
            case 8 -> {
                // An extra step on top with a placeholder sibling, on either side.
                byte[] placeholder = JmtHasher.placeholder();
                byte[] domain = JmtHasher.internalDomain();
                if (r.nextBoolean()) {
                    path.add(new InnerOp(HashOp.SHA256, domain, placeholder));
                } else {
                    byte[] prefix = Arrays.copyOf(domain, 48);
                    System.arraycopy(placeholder, 0, prefix, 16, 32);
                    path.add(new InnerOp(HashOp.SHA256, prefix, new byte[0]));
                }
            }
            default -> {
                if (path.size() > 1) {
                    path.removeFirst();
                }
            }
        }
        return new ExistenceProof(key, value, leaf, path);
    }

    /** A 6-byte key whose hash shares at least {@code bits} leading bits with {@code k}'s. */
    private static byte[] near(SplittableRandom r, byte[] k, int bits) {
        KeyHash target = KeyHash.of(k);
        while (true) {
            byte[] c = randomBytes(r, 6);
            if (KeyHash.of(c).commonPrefixBits(target) >= bits && !Arrays.equals(c, k)) {
                return c;
            }
        }
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }
}
