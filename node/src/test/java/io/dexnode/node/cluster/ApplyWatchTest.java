package io.dexnode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.health.NodeHealth;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A replica whose applied index stops while its group commits more is reported not ready, and ready again once it applies. */
class ApplyWatchTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<RaftReplica.Status> status = new AtomicReference<>();
    private final ApplyWatch watch = new ApplyWatch(status::get, now::get);

    private void at(long seconds, long commit, long applied) {
        now.set(TimeUnit.SECONDS.toNanos(seconds));
        status.set(new RaftReplica.Status("follower", "n1", 2, commit, applied, false, commit, true));
    }

    @Test
    void committedEntriesNotAppliedForThirtySecondsMakeTheReplicaNotReadyUntilItAppliesAgain() {
        NodeHealth health = new NodeHealth();
        health.recovered();
        health.watchReplication(watch);

        at(0, 900, 799);
        assertThat(health.reason()).isNull();
        at(29, 1_200, 799);
        assertThat(health.reason()).as("behind, but not for 30 s yet").isNull();
        at(31, 1_300, 799);
        assertThat(health.ready()).isFalse();
        assertThat(health.reason()).startsWith("not applying: the group committed the log up to index 1300 but this replica"
                + " has applied only up to 799, unchanged for 31 s");

        at(32, 1_300, 850);
        assertThat(health.reason()).as("applying again").isNull();
        assertThat(health.ready()).isTrue();
    }

    @Test
    void aReplicaWithNothingToApplyIsNeverStalledHoweverLongItsAppliedIndexStays() {
        at(0, 500, 500);
        assertThat(watch.get()).isNull();
        at(3_600, 500, 500);
        assertThat(watch.get()).isNull();
        at(3_601, 501, 500);
        assertThat(watch.get()).as("the stall counts from when there was something to apply").isNull();
        at(3_632, 501, 500);
        assertThat(watch.get()).contains("unchanged for 32 s");
    }

    @Test
    void aRaftServerThatNoLongerRunsMakesTheReplicaNotReady() {
        now.set(0);
        status.set(new RaftReplica.Status("stopped", null, 0, -1, -1, false, -1, false));
        assertThat(watch.get()).startsWith("not applying: this replica's Raft server is not running");
    }

    @Test
    void aStoppedRaftServerIsNotReportedAsStalled() {
        at(0, -1, -1);
        assertThat(watch.get()).isNull();
        at(100, -1, -1);
        assertThat(watch.get()).isNull();
    }
}
