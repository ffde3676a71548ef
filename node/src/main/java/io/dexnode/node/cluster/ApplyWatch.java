package io.dexnode.node.cluster;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether this replica still applies what its group committed: entries committed beyond the
 * applied index while the applied index has not moved for {@link #STALL_NANOS} mean its apply
 * loop is wedged (it once waited for good for entries its log no longer had), and its state is
 * getting staler with every block. Readiness reports it, so that traffic goes elsewhere and an
 * operator restarts the replica. So does a Raft server that no longer runs (Ratis closes it on a
 * failure of its own threads). Asked on each readiness probe; it reads only Raft's in-memory status.
 */
final class ApplyWatch implements Supplier<String> {
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Supplier<RaftReplica.Status> status;
    private final LongSupplier nanoClock;
    private long lastApplied = Long.MIN_VALUE;
    private long since;

    ApplyWatch(Supplier<RaftReplica.Status> status, LongSupplier nanoClock) {
        this.status = status;
        this.nanoClock = nanoClock;
    }

    /** Why this replica is not applying, or null while it applies (or has nothing to apply). */
    @Override
    public synchronized String get() {
        RaftReplica.Status s = status.get();
        if (!s.alive()) {
            return "not applying: this replica's Raft server is not running (it stopped on a failure the log names,"
                    + " or the node is stopping); restart it";
        }
        long now = nanoClock.getAsLong();
        if (s.appliedIndex() != lastApplied || s.commitIndex() <= s.appliedIndex()) {
            lastApplied = s.appliedIndex();
            since = now;
            return null;
        }
        long stalled = now - since;
        if (stalled < STALL_NANOS) {
            return null;
        }
        return "not applying: the group committed the log up to index " + s.commitIndex() + " but this replica has applied"
                + " only up to " + s.appliedIndex() + ", unchanged for " + TimeUnit.NANOSECONDS.toSeconds(stalled)
                + " s; restart it (it loads its newest snapshot and the log at start), or wipe its data directory";
    }
}
