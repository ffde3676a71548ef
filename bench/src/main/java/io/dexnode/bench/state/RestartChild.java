package io.dexnode.bench.state;

import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.TreePersistence;
import io.dexnode.state.WriteSet;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The processes {@link RestartBench} starts and kills. {@code fill DIR N K SEED}: fills a state of
 * N keys, then commits K random updates per version until one more would start a tree persist
 * (the largest unpersisted run the default settings allow), prints {@code ready VERSIONS UPDATES}
 * and waits to be killed. {@code open DIR N}: opens the store, reads one key, prints
 * {@code serving OPEN_MS} and waits to be killed.
 */
public final class RestartChild {
    private RestartChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        StateConfig cfg = StateConfig.defaults();
        if (args[0].equals("open")) {
            long t0 = System.nanoTime();
            StateManager sm = StateManager.open(dir, cfg);
            if (sm.get(StateBench.key(Long.parseLong(args[2]) / 2)) == null) {
                throw new IllegalStateException("a key of the state is missing after the restart");
            }
            StateManager.PersistStats s = sm.persistStats();
            System.out.printf("serving %.1f %d %d%n", (System.nanoTime() - t0) / 1e6, s.recovery().versions(),
                    s.recovery().keyUpdates());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return;
        }
        long keys = Long.parseLong(args[2]);
        int batch = Integer.parseInt(args[3]);
        SplittableRandom r = new SplittableRandom(Long.parseLong(args[4]));
        TreePersistence policy = cfg.treePersistence();
        StateManager sm = StateManager.open(dir, cfg);
        long version = 0;
        for (long id = 0; id < keys; id += 10_000) {
            WriteSet ws = new WriteSet();
            for (long k = id; k < Math.min(keys, id + 10_000); k++) {
                ws.put(StateBench.key(k), value(r));
            }
            sm.commit(version++, ws, null);
        }
        sm.persistTree();
        while (true) {
            StateManager.PersistStats s = sm.persistStats();
            if (s.unpersistedKeyUpdates() + batch >= policy.everyKeyUpdates() || s.unpersistedVersions() + 1 >= policy.everyVersions()
                    || s.unpersistedBytes() * 2 >= policy.memoryBudgetBytes()) {
                System.out.printf("ready %d %d%n", s.unpersistedVersions(), s.unpersistedKeyUpdates());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            WriteSet ws = new WriteSet();
            for (int i = 0; i < batch; i++) {
                ws.put(StateBench.key(r.nextLong(keys)), value(r));
            }
            sm.commit(version++, ws, null);
        }
    }

    private static byte[] value(SplittableRandom r) {
        byte[] v = new byte[StateBench.VALUE_BYTES];
        r.nextBytes(v);
        return v;
    }
}
