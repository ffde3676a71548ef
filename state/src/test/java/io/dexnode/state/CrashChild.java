package io.dexnode.state;

import java.nio.file.Path;

/**
 * The crash test's child JVM: commits version after version of {@link Workload} (seeded, so the
 * parent can recompute every version) and prints each committed version, until it is killed.
 * Arguments: state dir, seed, keepLast.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        StateConfig cfg = StateConfig.defaults().withBlockCacheBytes(8 << 20)
                .withPruning(PruningConfig.keepLast(Long.parseLong(args[2])));
        StateManager sm = StateManager.open(dir, cfg);
        long v = sm.latestVersion() + 1;
        while (true) {
            WriteSet extras = new WriteSet();
            extras.put(new byte[] {'h'}, Versions.longBE(v));
            sm.commit(v, Workload.writes(seed, v, CrashTest.MAX_WRITES), extras);
            System.out.println("committed " + v);
            System.out.flush();
            v++;
        }
    }
}
