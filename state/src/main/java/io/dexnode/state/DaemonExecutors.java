package io.dexnode.state;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The single named daemon thread that each background job of the store and the node runs on
 * (commit writes, tree persists, recovery's helper, the node's consistency check, snapshots,
 * archive pruning): named so that a thread dump or a profile says whose it is, a daemon so that a
 * job never keeps a stopping process alive (each owner still shuts its executor down and waits).
 */
public final class DaemonExecutors {
    private DaemonExecutors() {
    }

    /** An executor of one daemon thread called {@code name}. */
    public static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
