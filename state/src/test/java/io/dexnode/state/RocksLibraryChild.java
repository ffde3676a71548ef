package io.dexnode.state;

import java.nio.file.Path;

/** Opens a store (RocksDB's library loaded the store's way), says so, and waits to be killed. For {@link RocksLibraryTest}. */
public final class RocksLibraryChild {
    private RocksLibraryChild() {
    }

    public static void main(String[] args) throws Exception {
        try (StateManager sm = StateManager.open(Path.of(args[0]), StateConfig.defaults())) {
            sm.commit(sm.latestVersion() + 1, Workload.writes(1, sm.latestVersion() + 1, 10), null);
            System.out.println("open " + sm.latestVersion());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
