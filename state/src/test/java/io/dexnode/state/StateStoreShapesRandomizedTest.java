package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.KeyHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Short, structurally awkward histories for {@link StateManager}, checked against
 * {@link ReferenceHistory} (a full copy of every version, roots rebuilt from scratch), with
 * {@link InMemoryStateStore} run in step and checked the same way.
 *
 * <p>Where {@link StateStoreRandomizedTest} writes many random keys, here a handful of keys from a
 * pool built to collide (key hashes sharing 14 to 20 leading bits, raw keys sharing byte prefixes,
 * 0x00 and 0xFF edge keys) go through the write sets that reshape a tree: empty ones, deleting
 * everything, rewriting what the previous version wrote, delete-then-put and put-then-delete of one
 * key in one set; versions sometimes skip heights. Each seed picks a shape: pruning (keep all, keep
 * the last 1, 2 or 3 to 8), node budget (none up to room for the whole tree), plain or pipelined
 * commits, writes slowed by 3 ms or not. During a run the store is sometimes closed and reopened,
 * and, with pipelined commits, checkpointed from another thread while commits are in flight (the
 * checkpoint must be exactly some committed version).
 *
 * <p>After every commit, the root and every key's latest value. At each check, at every retained
 * version: the root (refused where no version was committed), every key's value and proof (a
 * proof of a value must not verify a changed value or absence; a proof of absence must not verify
 * the absence of any present key); reads refused just below the oldest retained version, which
 * must be exactly what the pruning setting keeps; {@code changedKeys} over random ranges of the
 * window (refused below it); {@code scanPrefix} and {@code scanPrefixInPlace} of the latest
 * version for prefixes around every key; and, once pruning has run, that exactly the nodes and
 * values the retained versions need are stored.
 *
 * <p>It caught two bugs, now fixed and pinned by focused tests: a commit after a version gap
 * failing with "missing node" when pipelined ({@link PipelinedGapCommitTest}), and a reopen
 * lowering {@code oldestRetainedVersion} ({@link OldestRetainedAcrossReopenTest}).
 */
@Timeout(300)
class StateStoreShapesRandomizedTest {
    /**
     * 1 to 12, and 38. With the generator as it stands and without the fix for pipelined gap
     * commits, seed 7 failed in each of nine runs and 6, 9 and 11 in most (it is a race); without
     * the fix for oldestRetainedVersion across a reopen, 38 is the one of the first 150 that fails.
     */
    private static final long[] SEEDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 38};
    private static final HexFormat HEX = HexFormat.of();
    private static final List<byte[]> POOL = collidingPool();
    /** None (every node from RocksDB), a few nodes, about the tree, and room for all of it. */
    private static final int[] NODE_BUDGETS = {0, 2, 6, 28, 500};

    @TempDir
    Path tmp;

    private Shape shape;
    private SplittableRandom r;
    private StateConfig cfg;
    private StateManager sm;
    private InMemoryStateStore mem;
    private final ReferenceHistory ref = new ReferenceHistory();
    private List<byte[]> keys;
    private int checkpoints;

    record Shape(long seed, PruningConfig pruning, int nodeBudget, boolean pipelined, int writeDelayMillis,
                 TreePersistence persistence) {
        static Shape of(long seed) {
            SplittableRandom r = new SplittableRandom(seed * 31 + 7);
            PruningConfig[] prunings = {PruningConfig.keepAll(), PruningConfig.keepLast(1), PruningConfig.keepLast(2),
                PruningConfig.keepLast(3 + r.nextInt(6))};
            return new Shape(seed, prunings[(int) (seed % 4)], NODE_BUDGETS[r.nextInt(NODE_BUDGETS.length)],
                    r.nextBoolean(), r.nextInt(4) == 0 ? 3 : 0, Persistences.of(seed));
        }

        @Override
        public String toString() {
            String keep = pruning.mode() == PruningMode.KEEP_ALL ? "keep all" : "keep last " + pruning.keepLast();
            return "seed " + seed + ": " + keep + ", node budget " + nodeBudget + (pipelined ? ", pipelined" : "")
                    + (writeDelayMillis > 0 ? ", writes +" + writeDelayMillis + " ms" : "");
        }
    }

    static Stream<Shape> shapes() {
        return LongStream.of(SEEDS).mapToObj(Shape::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyRetainedVersionOfACollidingKeyHistoryMatchesTheModel(Shape shape) {
        try {
            run(shape);
        } catch (AssertionError | RuntimeException e) {
            // Surefire names a parameterized case only by its index: say which seed and shape failed.
            throw new AssertionError(shape + ": " + e.getMessage(), e);
        }
    }

    private void run(Shape shape) {
        this.shape = shape;
        r = new SplittableRandom(shape.seed());
        cfg = StateConfig.defaults().withFsync(false).withPruning(shape.pruning())
                .withBlockCacheBytes(4 << 20).withNodeCacheEntries(shape.nodeBudget())
                .withTreePersistence(shape.persistence());
        List<byte[]> shuffled = new ArrayList<>(POOL);
        int size = 2 + r.nextInt(POOL.size() - 1);
        Collections.shuffle(shuffled, new Random(shape.seed()));
        keys = shuffled.subList(0, size);
        sm = open(tmp.resolve("db"));
        mem = new InMemoryStateStore(shape.pruning());
        try {
            long v = r.nextInt(3);
            int versions = 40 + r.nextInt(60);
            for (int i = 0; i < versions; i++) {
                commit(v, randomWrites());
                if (shape.pipelined() && r.nextInt(12) == 0) {
                    v = checkpointWhileCommitting(v);
                }
                if (r.nextInt(8) == 0 || i == versions - 1) {
                    sm.rootAt(ref.latest()); // waits for the writes in flight
                    sm.awaitPruning();
                    checkAgainstModel(sm);
                    checkAgainstModel(mem);
                    // Until a first pruning pass runs, the first versions' deletions stay stored (allowed).
                    if (shape.pruning().mode() == PruningMode.KEEP_ALL
                            || shape.pruning().horizon(ref.latest()) >= ref.states.firstKey()) {
                        StateStoreRandomizedTest.checkPrunedExactly(sm, ref, shape.pruning());
                    }
                }
                if (r.nextInt(25) == 0) {
                    sm.close();
                    sm = open(tmp.resolve("db"));
                    sm.awaitPruning();
                    checkAgainstModel(sm);
                }
                v += 1 + (r.nextInt(6) == 0 ? r.nextInt(3) : 0);
            }
        } finally {
            sm.close();
            mem.close();
        }
    }

    private StateManager open(Path dir) {
        TestSeams seams = new TestSeams();
        StateManager s = StateManager.open(dir, cfg, seams);
        seams.delayWrites(shape.writeDelayMillis());
        return s;
    }

    /** One of: empty, delete everything, rewrite the previous version's keys, or a random mix. */
    private WriteSet randomWrites() {
        WriteSet ws = new WriteSet();
        int kind = r.nextInt(10);
        if (kind == 0) {
            return ws;
        }
        if (kind == 1) {
            for (byte[] k : keys) {
                if (r.nextBoolean() || (!ref.states.isEmpty() && ref.at(ref.latest()).containsKey(k))) {
                    ws.delete(k); // every live key, and some absent ones
                }
            }
        } else if (kind == 2 && !ref.states.isEmpty()) {
            for (byte[] k : ref.written.lastEntry().getValue()) {
                ws.put(k, value()); // reinserts what the previous version deleted
            }
        } else {
            int n = 1 + r.nextInt(keys.size() + 2);
            for (int j = 0; j < n; j++) {
                byte[] k = keys.get(r.nextInt(keys.size()));
                int op = r.nextInt(10);
                if (op < 3) {
                    ws.delete(k);
                } else if (op < 4) {
                    ws.delete(k);
                    ws.put(k, value());
                } else if (op < 5) {
                    ws.put(k, value());
                    ws.delete(k);
                } else {
                    ws.put(k, value());
                }
            }
        }
        return ws;
    }

    private void commit(long v, WriteSet ws) {
        ref.apply(v, ws);
        byte[] root = shape.pipelined() ? sm.commitPipelined(v, ws, null).root() : sm.commit(v, ws, null);
        assertThat(root).as("root of version %d", v).isEqualTo(ref.roots.get(v));
        assertThat(mem.commit(v, ws, null)).as("in-memory root of version %d", v).isEqualTo(root);
        TreeMap<byte[], byte[]> now = ref.at(v);
        for (byte[] k : keys) {
            assertThat(sm.get(k)).as("latest %s at version %d", HEX.formatHex(k), v).isEqualTo(now.get(k));
        }
    }

    /**
     * Checkpoints from another thread while one to three more pipelined commits go in; the
     * checkpoint must open as exactly one committed version. Returns the latest version.
     */
    private long checkpointWhileCommitting(long v) {
        Path target = tmp.resolve("checkpoint" + checkpoints++);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        StateManager source = sm;
        Thread t = new Thread(() -> {
            try {
                source.checkpoint(target);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        int more = 1 + r.nextInt(3);
        for (int i = 0; i < more; i++) {
            v++;
            WriteSet ws = new WriteSet();
            ws.put(keys.get(r.nextInt(keys.size())), value());
            commit(v, ws);
        }
        try {
            assertThat(t.join(Duration.ofSeconds(60))).as("checkpoint finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(failure.get()).as("checkpoint").isNull();
        try (StateManager c = StateManager.open(target, cfg)) {
            long at = c.latestVersion();
            assertThat(ref.states).as("checkpoint version").containsKey(at);
            assertThat(c.latestRoot()).as("checkpoint root at %d", at).isEqualTo(ref.roots.get(at));
            TreeMap<byte[], byte[]> then = ref.at(at);
            for (byte[] k : keys) {
                assertThat(c.get(k)).isEqualTo(then.get(k));
                assertThat(c.get(k, at)).isEqualTo(then.get(k));
            }
            assertThat(scan(c, new byte[0])).isEqualTo(expectedScan(then, new byte[0]));
            StateProof p = c.getWithProof(keys.get(0), at);
            assertThat(p.verify()).isTrue();
            assertThat(p.value()).isEqualTo(then.get(keys.get(0)));
        }
        return v;
    }

    private void checkAgainstModel(StateStore s) {
        long latest = ref.latest();
        long oldest = Math.max(ref.states.firstKey(), shape.pruning().horizon(latest));
        assertThat(s.latestVersion()).isEqualTo(latest);
        assertThat(s.oldestRetainedVersion()).as("oldest retained version").isEqualTo(oldest);
        if (oldest > 0) {
            assertThatThrownBy(() -> s.get(keys.get(0), oldest - 1)).isInstanceOf(StateException.class);
            assertThatThrownBy(() -> s.getWithProof(keys.get(0), oldest - 1)).isInstanceOf(StateException.class);
        }
        for (long v = oldest; v <= latest; v++) {
            TreeMap<byte[], byte[]> state = ref.at(v);
            for (byte[] k : keys) {
                assertThat(s.get(k, v)).as("%s at %d (oldest %d)", HEX.formatHex(k), v, oldest).isEqualTo(state.get(k));
            }
            if (!ref.states.containsKey(v)) {
                long skipped = v;
                assertThatThrownBy(() -> s.rootAt(skipped)).isInstanceOf(StateException.class);
                continue;
            }
            byte[] root = ref.roots.get(v);
            assertThat(s.rootAt(v)).isEqualTo(root);
            for (byte[] k : keys) {
                // Every key at both ends of the window, about a third of them in between.
                if (v == oldest || v == latest || r.nextInt(3) == 0) {
                    checkProof(s, k, v, state, root);
                }
            }
        }
        TreeMap<byte[], byte[]> now = ref.at(latest);
        for (byte[] prefix : prefixes()) {
            List<String> want = expectedScan(now, prefix);
            assertThat(scan(s, prefix)).as("scan %s", HEX.formatHex(prefix)).isEqualTo(want);
            assertThat(scanInPlace(s, prefix)).as("scan in place %s", HEX.formatHex(prefix)).isEqualTo(want);
        }
        for (int i = 0; i < 12; i++) {
            long from = oldest - 1 + r.nextLong(latest - oldest + 2);
            long to = from + r.nextLong(latest - from + 1);
            assertThat(s.changedKeys(from, to).stream().map(HEX::formatHex).toList())
                    .as("changed in (%d, %d], oldest %d", from, to, oldest)
                    .isEqualTo(ref.changed(from, to).stream().map(HEX::formatHex).toList());
        }
        assertThat(s.changedKeys(latest, latest)).isEmpty();
        if (oldest >= 2) {
            assertThatThrownBy(() -> s.changedKeys(oldest - 2, latest)).isInstanceOf(StateException.class);
        }
    }

    private static void checkProof(StateStore s, byte[] k, long v, TreeMap<byte[], byte[]> state, byte[] root) {
        StateProof p = s.getWithProof(k, v);
        assertThat(p.value()).as("proof value of %s at %d", HEX.formatHex(k), v).isEqualTo(state.get(k));
        assertThat(p.root()).isEqualTo(root);
        assertThat(p.verify()).as("proof of %s at %d", HEX.formatHex(k), v).isTrue();
        if (p.exists()) {
            byte[] changed = p.value().clone();
            changed[changed.length - 1] ^= 1;
            assertThat(new StateProof(k, changed, v, root, p.ics23()).verify()).isFalse();
            assertThat(new StateProof(k, null, v, root, p.ics23()).verify()).isFalse();
        } else if (p.ics23() != null) {
            for (byte[] present : state.keySet()) {
                assertThat(new StateProof(present, null, v, root, p.ics23()).verify()).isFalse();
            }
        }
    }

    /** Empty, the edge bytes, the shared raw prefixes, and around every key: itself, longer, shorter, next. */
    private List<byte[]> prefixes() {
        List<byte[]> out = new ArrayList<>(List.of(
                new byte[0],
                new byte[] {0},
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0},
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0},
                new byte[] {0x42},
                new byte[] {1, 2, 3, 4, 5, 6, 7},
                new byte[] {1, 2, 3, 4, 5, 6, 8}));
        for (byte[] k : keys) {
            out.add(k);
            out.add(Arrays.copyOf(k, k.length + 1));
            out.add(Arrays.copyOf(k, Math.max(1, k.length - 1)));
            byte[] next = k.clone();
            next[next.length - 1]++;
            out.add(next);
        }
        return out;
    }

    private static List<String> scan(StateStore s, byte[] prefix) {
        List<String> out = new ArrayList<>();
        s.scanPrefix(prefix, (k, x) -> out.add(HEX.formatHex(k) + "=" + HEX.formatHex(x)));
        return out;
    }

    private static List<String> scanInPlace(StateStore s, byte[] prefix) {
        List<String> out = new ArrayList<>();
        s.scanPrefixInPlace(prefix, (k, x) -> {
            byte[] kb = new byte[k.remaining()];
            k.duplicate().get(kb);
            byte[] xb = new byte[x.remaining()];
            x.duplicate().get(xb);
            out.add(HEX.formatHex(kb) + "=" + HEX.formatHex(xb));
        });
        return out;
    }

    private static List<String> expectedScan(TreeMap<byte[], byte[]> state, byte[] prefix) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : state.entrySet()) {
            if (InMemoryStateStore.startsWith(e.getKey(), prefix)) {
                out.add(HEX.formatHex(e.getKey()) + "=" + HEX.formatHex(e.getValue()));
            }
        }
        return out;
    }

    private byte[] value() {
        byte[] b = new byte[1 + r.nextInt(6)];
        r.nextBytes(b);
        return b;
    }

    /**
     * 23 keys: 0x00/0xFF edge keys and raw keys that are prefixes of one another, then three
     * groups of four keys whose hashes share at least 20 (first group) or 14 leading bits.
     */
    private static List<byte[]> collidingPool() {
        SplittableRandom r = new SplittableRandom(99);
        List<byte[]> out = new ArrayList<>(List.of(
                new byte[] {0},
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0},
                new byte[] {(byte) 0xFF, 0},
                new byte[] {0, 0},
                new byte[] {0, (byte) 0xFF},
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
                new byte[] {1, 2, 3, 4, 5, 6, 7, 9},
                new byte[] {1, 2, 3, 4, 5, 6, 7}));
        for (int group = 0; group < 3; group++) {
            byte[] base = {0x42, (byte) group, (byte) r.nextInt(256)};
            out.add(base);
            KeyHash baseHash = KeyHash.of(base);
            int sharedBits = group == 0 ? 20 : 14;
            for (int i = 0; i < 3; i++) {
                while (true) {
                    byte[] k = {0x42, (byte) group, (byte) r.nextInt(256), (byte) r.nextInt(256),
                        (byte) r.nextInt(256), (byte) r.nextInt(256)};
                    if (KeyHash.of(k).commonPrefixBits(baseHash) >= sharedBits) {
                        out.add(k);
                        break;
                    }
                }
            }
        }
        return out;
    }
}
