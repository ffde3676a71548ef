package io.dexnode.state;

import java.nio.file.Path;

/**
 * The child JVM {@link TreeCrashTest} kills. Modes:
 * <ul>
 *   <li>{@code commit DIR SEED EVERY_VERSIONS}: commits version after version of {@link Workload}
 *       (40 writes at most), persisting the tree every EVERY_VERSIONS versions; prints "committed V"
 *       after each commit and "persist V partly written" inside each persist, between its writes
 *       (where it lingers a few milliseconds, so that kills land there);</li>
 *   <li>{@code open DIR}: prints "opening", opens the store (re-applying what is unpersisted,
 *       persisting nothing) and prints "opened V".</li>
 * </ul>
 */
public final class TreeCrashChild {
    static final int MAX_WRITES = 40;
    /** Never persists by count: what a long unpersisted run looks like. */
    static final StateConfig NEVER = StateConfig.defaults().withBlockCacheBytes(8 << 20)
            .withTreePersistence(TreePersistence.onlyWhenMemoryIsShort(1L << 40));

    private TreeCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("open")) {
            System.out.println("opening");
            System.out.flush();
            try (StateManager sm = StateManager.open(dir, NEVER)) {
                System.out.println("opened " + sm.latestVersion());
                System.out.flush();
            }
            return;
        }
        long seed = Long.parseLong(args[2]);
        long every = Long.parseLong(args[3]);
        StateConfig cfg = every == 0 ? NEVER
                : NEVER.withTreePersistence(new TreePersistence(every, Long.MAX_VALUE, Long.MAX_VALUE));
        TestSeams seams = new TestSeams() {
            @Override
            public void betweenTreePersistWrites(long version) throws Exception {
                System.out.println("persist " + version + " partly written");
                System.out.flush();
                Thread.sleep(3);
            }
        };
        StateManager sm = StateManager.open(dir, cfg, seams);
        long v = sm.latestVersion() + 1;
        while (true) {
            sm.commit(v, Workload.writes(seed, v, MAX_WRITES), null);
            System.out.println("committed " + v);
            System.out.flush();
            v++;
        }
    }
}
