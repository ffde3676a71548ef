package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.jmt.InternalNode;
import io.dexnode.jmt.Node;
import io.dexnode.jmt.NodeKey;
import io.dexnode.jmt.NibblePath;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random write sets over many versions (with gaps), checked against {@link ReferenceHistory}:
 * every retained version's root and reads, latest reads and scans, changed keys, proofs; the
 * RocksDB store, the in-memory store and a reopened RocksDB store agree; pruning keeps exactly
 * the nodes and values the retained versions need.
 */
class StateStoreRandomizedTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int VERSIONS = 90;
    /**
     * Node budgets: none (every read from RocksDB), about the live key count (the tree moves
     * between linked and cached modes as it grows and shrinks), and room for the whole tree.
     */
    private static final int[] NODE_BUDGETS = {0, 28, 500};

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (long seed : new long[] {11, 22, 33, 44, 55, 66}) {
            for (PruningConfig p : List.of(PruningConfig.keepAll(), PruningConfig.keepLast(1), PruningConfig.keepLast(4))) {
                out.add(Arguments.of(seed, p));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("cases")
    void everyRetainedVersionMatchesTheReferenceModel(long seed, PruningConfig pruning) {
        SplittableRandom r = new SplittableRandom(seed);
        StateConfig cfg = StateConfig.defaults().withFsync(false).withPruning(pruning)
                .withBlockCacheBytes(8 << 20).withNodeCacheEntries(NODE_BUDGETS[(int) (seed % NODE_BUDGETS.length)])
                .withTreePersistence(Persistences.of(seed + pruning.keepLast()));
        Path dir = tmp.resolve("db");
        ReferenceHistory ref = new ReferenceHistory();
        StateManager sm = StateManager.open(dir, cfg);
        try (InMemoryStateStore mem = new InMemoryStateStore(pruning)) {
            long v = r.nextBoolean() ? 0 : r.nextInt(4);
            for (int i = 0; i < VERSIONS; i++) {
                WriteSet ws = Workload.writes(seed, v, 10);
                WriteSet extras = new WriteSet();
                extras.put(header(v), Versions.longBE(v * 7));
                if (v > 3) {
                    extras.delete(header(v - 3));
                }
                ref.apply(v, ws);
                byte[] rootDisk = sm.commit(v, ws, extras);
                byte[] rootMem = mem.commit(v, ws, extras);
                assertThat(rootDisk).as("root of version %d", v).isEqualTo(ref.roots.get(v));
                assertThat(rootMem).as("in-memory root of version %d", v).isEqualTo(ref.roots.get(v));
                assertThat(sm.latestRoot()).isEqualTo(rootDisk);
                if (i % 30 == 29) {
                    sm.awaitPruning();
                    checkAgainstModel(sm, ref, pruning, r);
                    checkAgainstModel(mem, ref, pruning, r);
                    checkPrunedExactly(sm, ref, pruning);
                }
                if (i == 45) {
                    sm.close();
                    sm = StateManager.open(dir, cfg);
                    checkAgainstModel(sm, ref, pruning, r);
                }
                v += 1 + (r.nextInt(5) == 0 ? r.nextInt(3) : 0);
            }
            assertThat(sm.getExtra(header(ref.latest()))).isEqualTo(Versions.longBE(ref.latest() * 7));
            assertThat(sm.getExtra(header(ref.latest() - 3))).isNull();
            assertThat(extrasOf(sm)).isEqualTo(extrasOf(mem));
            sm.close();
            sm = StateManager.open(dir, cfg);
            sm.awaitPruning();
            checkAgainstModel(sm, ref, pruning, r);
            checkPrunedExactly(sm, ref, pruning);
        } finally {
            sm.close();
        }
    }

    private static byte[] header(long v) {
        byte[] k = new byte[9];
        k[0] = 'h';
        Versions.putLongBE(k, 1, v);
        return k;
    }

    private static List<String> extrasOf(StateStore s) {
        List<String> out = new ArrayList<>();
        s.scanExtras(new byte[] {'h'}, (k, v) -> out.add(HEX.formatHex(k) + "=" + HEX.formatHex(v)));
        return out;
    }

    static void checkAgainstModel(StateStore s, ReferenceHistory ref, PruningConfig pruning, SplittableRandom r) {
        long latest = ref.latest();
        long first = ref.states.firstKey();
        long oldest = Math.max(first, pruning.horizon(latest));
        assertThat(s.latestVersion()).isEqualTo(latest);
        assertThat(s.latestRoot()).isEqualTo(ref.roots.get(latest));
        assertThat(s.oldestRetainedVersion()).isEqualTo(oldest);
        List<byte[]> allKeys = allKeys();
        for (long v = first; v <= latest; v++) {
            long version = v;
            boolean committed = ref.states.containsKey(v);
            if (v < oldest) {
                assertThatThrownBy(() -> s.rootAt(version)).isInstanceOf(StateException.class).hasMessageContaining("pruned");
                assertThatThrownBy(() -> s.get(allKeys.get(0), version)).isInstanceOf(StateException.class)
                        .hasMessageContaining("oldest retained is " + oldest);
                continue;
            }
            if (committed) {
                assertThat(s.rootAt(v)).as("root at %d", v).isEqualTo(ref.roots.get(v));
            } else {
                assertThatThrownBy(() -> s.rootAt(version)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
            }
            TreeMap<byte[], byte[]> state = ref.at(v);
            for (byte[] k : allKeys) {
                assertThat(s.get(k, v)).as("key %s at %d", HEX.formatHex(k), v).isEqualTo(state.get(k));
            }
            if (committed) {
                for (int i = 0; i < 4; i++) {
                    checkProof(s, allKeys.get(r.nextInt(allKeys.size())), v, state, ref.roots.get(v));
                }
            }
        }
        assertThatThrownBy(() -> s.rootAt(latest + 1)).isInstanceOf(StateException.class).hasMessageContaining("not committed");
        TreeMap<byte[], byte[]> now = ref.at(latest);
        for (byte[] k : allKeys) {
            assertThat(s.get(k)).isEqualTo(now.get(k));
        }
        assertThat(hex(s.multiGet(allKeys))).isEqualTo(hex(allKeys.stream().map(now::get).toList()));
        List<byte[]> prefixes = new ArrayList<>(List.of(new byte[0], new byte[] {9}));
        for (int tag = 0; tag < Workload.TAGS; tag++) {
            prefixes.add(new byte[] {(byte) tag});
            prefixes.add(Workload.key(tag, 3));
            prefixes.add(Workload.key(tag, 4));
        }
        for (byte[] prefix : prefixes) {
            List<String> got = new ArrayList<>();
            s.scanPrefix(prefix, (k, v) -> got.add(HEX.formatHex(k) + "=" + HEX.formatHex(v)));
            List<String> want = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : now.entrySet()) {
                if (InMemoryStateStore.startsWith(e.getKey(), prefix)) {
                    want.add(HEX.formatHex(e.getKey()) + "=" + HEX.formatHex(e.getValue()));
                }
            }
            assertThat(got).as("scan %s", HEX.formatHex(prefix)).isEqualTo(want);
        }
        for (int i = 0; i < 10; i++) {
            long a = oldest - 1 + r.nextLong(latest - oldest + 2);
            long b = a + r.nextLong(latest - a + 1);
            assertThat(hex(s.changedKeys(a, b))).as("changed (%d, %d]", a, b).isEqualTo(hex(ref.changed(a, b)));
        }
        if (oldest > first + 1) {
            assertThatThrownBy(() -> s.changedKeys(oldest - 2, latest)).isInstanceOf(StateException.class)
                    .hasMessageContaining("pruned");
        }
    }

    private static void checkProof(StateStore s, byte[] key, long v, TreeMap<byte[], byte[]> state, byte[] root) {
        StateProof p = s.getWithProof(key, v);
        assertThat(p.value()).isEqualTo(state.get(key));
        assertThat(p.exists()).isEqualTo(state.containsKey(key));
        assertThat(p.root()).isEqualTo(root);
        assertThat(p.version()).isEqualTo(v);
        assertThat(p.verify()).as("proof of %s at %d", HEX.formatHex(key), v).isTrue();
        if (p.exists()) {
            byte[] wrong = p.value().clone();
            wrong[0] ^= 1;
            assertThat(new StateProof(key, wrong, v, root, p.ics23()).verify()).isFalse();
        } else if (p.ics23() != null) {
            byte[] otherRoot = root.clone();
            otherRoot[0] ^= 1;
            assertThat(new StateProof(key, null, v, otherRoot, p.ics23()).verify()).isFalse();
        }
    }

    /**
     * After pruning: exactly the nodes the retained persisted trees reach (the newest persisted
     * tree at or below the horizon and every later one; all of them when everything is kept),
     * exactly the value-history entries the retained versions can see (the history reaches the
     * newest persisted tree), and the change logs from the base tree on.
     */
    static void checkPrunedExactly(StateManager sm, ReferenceHistory ref, PruningConfig pruning) {
        long latest = ref.latest();
        long horizon = Math.max(ref.states.firstKey(), pruning.horizon(latest));
        List<Long> persisted = sm.persistedTreeVersions();
        long newest = persisted.isEmpty() ? StateStore.NO_VERSION : persisted.get(persisted.size() - 1);
        long base = StateStore.NO_VERSION;
        for (long p : persisted) {
            if (p <= horizon) {
                base = p;
            }
        }
        TreeSet<Long> trees = new TreeSet<>();
        for (long p : persisted) {
            if (pruning.mode() == PruningMode.KEEP_ALL || p >= base) {
                trees.add(p);
            }
        }
        if (pruning.mode() == PruningMode.KEEP_LAST) {
            assertThat(persisted).as("persisted trees below the base are forgotten").containsExactlyElementsOf(trees);
        }
        TreeSet<NodeKey> reachable = new TreeSet<>();
        ArrayDeque<NodeKey> todo = new ArrayDeque<>();
        for (long v : trees) {
            assertThat(ref.roots).as("persisted tree %d is a committed version", v).containsKey(v);
            todo.add(NodeKey.root(v));
        }
        java.util.Set<NodeKey> stored = new java.util.HashSet<>(sm.storedNodeKeys());
        while (!todo.isEmpty()) {
            NodeKey k = todo.poll();
            if (!reachable.add(k)) {
                continue;
            }
            assertThat(stored.contains(k)).as("node %s of a persisted tree is on disk", k).isTrue();
            Node n = sm.loadNode(k);
            assertThat(n).as("node %s of a persisted tree", k).isNotNull();
            if (n instanceof InternalNode in) {
                for (int c = 0; c < 16; c++) {
                    if (in.hasChild(c)) {
                        NibblePath child = k.path().child(c);
                        todo.add(new NodeKey(in.childVersion(c), child));
                    }
                }
            }
        }
        assertThat(sm.storedNodeKeys()).as("stored nodes").containsExactlyElementsOf(reachable);
        long historyHorizon = pruning.mode() == PruningMode.KEEP_ALL ? StateStore.NO_VERSION : Math.min(horizon, newest);
        long entries = 0;
        TreeMap<String, TreeMap<Long, Boolean>> perKey = new TreeMap<>();
        for (Map.Entry<Long, TreeSet<byte[]>> e : ref.written.headMap(newest, true).entrySet()) {
            for (byte[] k : e.getValue()) {
                perKey.computeIfAbsent(HEX.formatHex(k), x -> new TreeMap<>())
                        .put(e.getKey(), ref.states.get(e.getKey()).containsKey(k));
            }
        }
        for (TreeMap<Long, Boolean> writes : perKey.values()) {
            entries += writes.tailMap(historyHorizon, false).size();
            Map.Entry<Long, Boolean> visible = writes.floorEntry(historyHorizon);
            if (visible != null && visible.getValue()) {
                entries++;
            }
        }
        // Entries above the newest persisted tree are those a persist cut short by a crash wrote:
        // the same records the next persist writes, of committed versions.
        List<Long> history = sm.historyEntryVersions();
        assertThat(history.stream().filter(v -> v <= newest).count()).as("value history entries").isEqualTo(entries);
        assertThat(history.stream().filter(v -> v > newest)).as("entries of later versions")
                .allMatch(v -> v <= latest && !ref.written.get(v).isEmpty());
        long changesFrom = pruning.mode() == PruningMode.KEEP_ALL ? 0 : Math.min(horizon, base + 1);
        long changeRecords = ref.written.tailMap(changesFrom, true).values().stream().filter(x -> !x.isEmpty()).count();
        assertThat(sm.countRecords("changes")).as("change records").isEqualTo(changeRecords);
    }

    static List<byte[]> allKeys() {
        List<byte[]> keys = new ArrayList<>();
        for (int tag = 0; tag < Workload.TAGS; tag++) {
            for (int id = 0; id < Workload.IDS; id++) {
                keys.add(Workload.key(tag, id));
            }
        }
        keys.add(new byte[] {7, 7, 7});
        return keys;
    }

    private static List<String> hex(List<byte[]> list) {
        return list.stream().map(b -> b == null ? "null" : HEX.formatHex(b)).toList();
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
