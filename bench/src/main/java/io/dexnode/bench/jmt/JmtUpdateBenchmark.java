package io.dexnode.bench.jmt;

import io.dexnode.jmt.InMemoryTreeStore;
import io.dexnode.jmt.JellyfishMerkleTree;
import io.dexnode.jmt.KeyHash;
import io.dexnode.jmt.TreeUpdateResult;
import io.dexnode.jmt.ValueUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leaf updates per second of the Jellyfish Merkle Tree: batches of 1,000 and 10,000 updates into
 * a tree of 1,000,000 keys held in memory, on one thread or with a helper thread.
 *
 * <p>An invocation is one version: {@code putValueSet} plus writing its batch into the
 * {@link InMemoryTreeStore}; the score is updates/s ({@code @OperationsPerInvocation} = batch
 * size). The batch (key hashes and 100-byte values) is prepared before the invocation, outside the
 * measurement; the tree's own work — sorting, value hashes, node rewrites and rehashing — is all
 * inside. Each batch updates existing keys (50%), inserts new keys (25%) and deletes existing
 * keys (25%), so the tree stays at its size; after each invocation the store is pruned to the
 * newest version so it does not grow across iterations ({@code ...AndPrune} measures that too).
 * {@code store} picks the in-memory store mode: {@code linked} (the tree links parents to
 * children) or {@code indexed} (every node read through {@code getNode} from a hash table, as
 * over a node cache). The fork runs G1 with a pre-touched 4 GiB heap and a fixed 1 GiB young
 * generation; pass {@code -jvmArgsAppend "-Xms4g -Xmx4g -XX:+AlwaysPreTouch"} for G1's own sizing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
// A fixed 1 GiB young generation: most rewritten upper nodes are replaced within a few batches
// and then die young instead of being promoted and collected by mixed GCs (docs/BENCHMARKS.md).
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-Xmn1g", "-XX:+AlwaysPreTouch"})
public class JmtUpdateBenchmark {

    /** A tree of {@code treeSize} keys and a generator of batches of {@code batchSize()} updates. */
    @State(Scope.Thread)
    public abstract static class TreeState {
        @Param({"1000000"})
        public int treeSize;

        @Param({"linked", "indexed"})
        public String store;

        /**
         * Threads per batch: 1, or 2 (a helper thread hashes half the values and rebuilds half of
         * the root's subtrees; linked store only, the indexed one stays on one thread).
         */
        @Param({"1", "2"})
        public int threads;

        java.util.concurrent.ExecutorService helper;

        InMemoryTreeStore treeStore;
        JellyfishMerkleTree tree;
        long version;
        List<ValueUpdate> next;
        private SplittableRandom rnd;
        private long[] live;
        private int liveCount;
        private long nextId;

        abstract int batchSize();

        @Setup(Level.Trial)
        public void buildTree() {
            helper = threads > 1 ? java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jmt-helper");
                t.setDaemon(true);
                return t;
            }) : null;
            rnd = new SplittableRandom(20240601L);
            treeStore = new InMemoryTreeStore("linked".equals(store));
            tree = new JellyfishMerkleTree(treeStore);
            live = new long[treeSize * 2];
            List<ValueUpdate> initial = new ArrayList<>(treeSize);
            for (int i = 0; i < treeSize; i++) {
                long id = nextId++;
                live[liveCount++] = id;
                initial.add(ValueUpdate.put(key(id), value()));
            }
            TreeUpdateResult r = tree.putValueSet(0, initial);
            treeStore.write(r.batch());
            version = 0;
        }

        @Setup(Level.Invocation)
        public void prepareBatch() {
            int n = batchSize();
            List<ValueUpdate> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(4);
                if (kind <= 1) {
                    batch.add(ValueUpdate.put(key(live[rnd.nextInt(liveCount)]), value()));
                } else if (kind == 2) {
                    long id = nextId++;
                    live[liveCount++] = id;
                    batch.add(ValueUpdate.put(key(id), value()));
                } else {
                    int at = rnd.nextInt(liveCount);
                    long id = live[at];
                    live[at] = live[--liveCount];
                    batch.add(ValueUpdate.delete(key(id)));
                }
            }
            next = batch;
        }

        @TearDown(Level.Invocation)
        public void pruneOldVersions() {
            treeStore.prune(version);
        }

        @TearDown(Level.Trial)
        public void stopHelper() {
            if (helper != null) {
                helper.shutdownNow();
            }
        }

        /** Applies the prepared batch as the next version and writes it. */
        final void applyBatch() {
            TreeUpdateResult r = tree.putValueSet(++version, next, helper);
            treeStore.write(r.batch());
        }

        private static KeyHash key(long id) {
            byte[] raw = new byte[8];
            for (int i = 0; i < 8; i++) {
                raw[i] = (byte) (id >>> (56 - 8 * i));
            }
            return KeyHash.of(raw);
        }

        private byte[] value() {
            byte[] v = new byte[100];
            for (int i = 0; i < v.length; i += 8) {
                long x = rnd.nextLong();
                for (int j = 0; j < 8 && i + j < v.length; j++) {
                    v[i + j] = (byte) (x >>> (8 * j));
                }
            }
            return v;
        }
    }

    /** Batches of 1,000. */
    public static class Batch1k extends TreeState {
        @Override
        int batchSize() {
            return 1_000;
        }
    }

    /** Batches of 10,000. */
    public static class Batch10k extends TreeState {
        @Override
        int batchSize() {
            return 10_000;
        }
    }

    /** Batches of 10,000, pruned inside the measurement. */
    public static class Batch10kPruned extends Batch10k {
        @Override
        @TearDown(Level.Invocation)
        public void pruneOldVersions() {
            // Pruned in the benchmark method itself.
        }
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public long updatesBatch1k(Batch1k s) {
        s.applyBatch();
        return s.version;
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long updatesBatch10k(Batch10k s) {
        s.applyBatch();
        return s.version;
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long updatesBatch10kAndPrune(Batch10kPruned s) {
        s.applyBatch();
        s.treeStore.prune(s.version);
        return s.version;
    }
}
