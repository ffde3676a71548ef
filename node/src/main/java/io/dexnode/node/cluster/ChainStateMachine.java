package io.dexnode.node.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of a dexnode replica: every committed log entry is a block, executed by
 * the {@link ReplicatedChain} in log order on Ratis' apply thread. Snapshots are complete copies of
 * the state ({@link SnapshotDirectory}); a replica that receives one from the leader replaces its
 * state with it.
 *
 * <p>Ratis replays the log from the latest snapshot after a restart, while the state may already
 * hold later blocks (each is committed with its log position); the chain skips what it holds, so
 * no block is applied twice and none is skipped.
 */
public final class ChainStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ChainStateMachine.class);
    private static final long RELOAD_BACKSTOP_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What the node hears from the state machine besides applied blocks. */
    public interface Listener {
        void leaderChanged(String leaderId);

        void snapshotTaken(long index);

        void snapshotInstalled(long index);

        /** The replica stopped applying; the Raft server is closing. */
        void stopped(String why);
    }

    private final ReplicatedChain chain;
    private final SnapshotDirectory snapshots = new SnapshotDirectory();
    private final Listener listener;
    /**
     * The thread that loaded the last received snapshot (Ratis' apply thread), from the end of the
     * load until Ratis applies again (see {@link #pause}); null otherwise.
     */
    private volatile Thread reloader;
    private volatile long reloadedAt;

    public ChainStateMachine(ReplicatedChain chain, Listener listener) {
        this.chain = chain;
        this.listener = listener;
    }

    @Override
    public SnapshotDirectory getStateMachineStorage() {
        return snapshots;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        getLifeCycle().startAndTransition(this::adoptNewerSnapshot, IOException.class);
    }

    /**
     * A snapshot newer than the state's blocks was received but not yet installed when the process
     * stopped: install it now, or Ratis would replay the log from after it onto a state without it.
     * Then report the snapshot's position as applied, where Ratis resumes.
     */
    private void adoptNewerSnapshot() throws IOException {
        var latest = snapshots.getLatestSnapshot();
        if (latest == null) {
            return;
        }
        Path dir = snapshots.latestPath();
        if (chain.snapshotHeight(dir) > chain.height()) {
            LOG.info("installing snapshot {} (height {}) over the state at height {}", dir.getFileName(),
                    chain.snapshotHeight(dir), chain.height());
            chain.installSnapshot(dir, position(latest.getTermIndex()));
        }
        setLastAppliedTermIndex(latest.getTermIndex());
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        resumedIfReloader();
        LogEntryProto entry = trx.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        BlockEntry block;
        try {
            block = BlockEntry.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (IllegalArgumentException e) {
            throw stop("log entry " + at + " is not a dexnode block: " + e.getMessage());
        }
        try {
            chain.apply(position(at), block);
        } catch (ReplicaStoppedException e) {
            throw stop(e.getMessage());
        } catch (RuntimeException | Error e) {
            // Ratis closes its server on any throwable from here without telling us: stop loudly.
            throw stop("applying log entry " + at + " failed: " + e);
        }
        updateLastAppliedTermIndex(at);
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    private ReplicaStoppedException stop(String why) {
        LOG.error("REPLICA STOPPED: {}", why);
        listener.stopped(why);
        return new ReplicaStoppedException(why);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex at = getLastAppliedTermIndex();
        if (at == null || at.getIndex() < 0) {
            return -1;
        }
        try {
            Path tmp = snapshots.temporary(at);
            chain.writeSnapshot(tmp);
            snapshots.publish(tmp, at);
        } catch (IOException | RuntimeException e) {
            // Ratis would close its server on it, silently for the node (e.g. a full disk): stop loudly.
            throw stop("writing the snapshot at " + at + " failed: " + e);
        }
        listener.snapshotTaken(at.getIndex());
        return at.getIndex();
    }

    /**
     * Ratis pauses the machine when the last chunk of a snapshot from the leader arrives, then loads
     * it on its apply thread ({@link #reinitialize}) and only then resumes applying. A second snapshot
     * finalized before Ratis resumed would be lost: Ratis marks it for loading and then overwrites
     * that mark with "running" when the first load ends, while its log already starts after the
     * second snapshot, so this replica would wait forever for entries it will never receive (seen:
     * a follower stuck at the first snapshot's height while the others went on). So a snapshot that
     * arrives before the previous load has ended is refused; the leader sends it again.
     */
    @Override
    public void pause() {
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.STARTING || reloader != null && !reloadOutlived()) {
            throw new IllegalStateException("the snapshot received before is still being loaded; the leader will send this one again");
        }
        if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
            // Ratis reloads only a PAUSED machine (else its apply thread fails and the server closes).
            lc.transition(LifeCycle.State.PAUSING);
            lc.transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * A backstop for a Ratis that no longer calls this machine from its apply thread after a load:
     * a load that ended long ago does not hold back the next snapshot forever.
     */
    private boolean reloadOutlived() {
        if (reloader != null && System.nanoTime() - reloadedAt > RELOAD_BACKSTOP_NANOS) {
            LOG.warn("Raft never resumed applying after the last snapshot load; accepting the next snapshot");
            return true;
        }
        return false;
    }

    /**
     * Ratis resumed after a load: it calls this machine from its apply thread again (for the
     * applied position, before each snapshot decision) only once its apply loop runs.
     */
    private void resumedIfReloader() {
        if (reloader == Thread.currentThread()) {
            reloader = null;
        }
    }

    @Override
    public TermIndex getLastAppliedTermIndex() {
        resumedIfReloader();
        return super.getLastAppliedTermIndex();
    }

    @Override
    public void reinitialize() throws IOException {
        LifeCycle lc = getLifeCycle();
        lc.transition(LifeCycle.State.STARTING);
        snapshots.refresh();
        var latest = snapshots.getLatestSnapshot();
        if (latest != null && latest.getIndex() > super.getLastAppliedTermIndex().getIndex()) {
            Path dir = snapshots.latestPath();
            LOG.info("installing snapshot {} received from the leader (height {})", dir.getFileName(), chain.snapshotHeight(dir));
            try {
                chain.installSnapshot(dir, position(latest.getTermIndex()));
            } catch (RuntimeException e) {
                // The state may already be set aside for the snapshot's: this replica cannot go on.
                throw stop("installing snapshot " + dir.getFileName() + " failed: " + e);
            }
            setLastAppliedTermIndex(latest.getTermIndex());
            listener.snapshotInstalled(latest.getIndex());
        }
        reloadedAt = System.nanoTime();
        reloader = Thread.currentThread();
        lc.transition(LifeCycle.State.RUNNING);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        listener.leaderChanged(newLeaderId == null ? null : newLeaderId.toString());
    }

    private static RaftPosition position(TermIndex t) {
        return new RaftPosition(t.getTerm(), t.getIndex());
    }

}
