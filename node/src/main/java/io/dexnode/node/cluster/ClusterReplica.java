package io.dexnode.node.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.recovery.PendingRepair;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.api.AdmittedTx;
import io.dexnode.node.api.ApiCodes;
import io.dexnode.node.api.JsonViews;
import io.dexnode.node.api.TxAdmission;
import io.dexnode.node.api.TxService;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.node.producer.BlockEvents;
import io.dexnode.node.producer.BlockPublication;
import io.dexnode.node.producer.MarketDataPublisher;
import io.dexnode.node.producer.NodeUnavailableException;
import io.dexnode.node.producer.TxOutcome;
import io.dexnode.state.StateConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as one replica of a cluster: its Raft server, the chain it applies committed blocks
 * to, and — while it leads — the proposer that turns admitted transactions into blocks. It is the
 * node's gateway for transactions (the leader queues them; a follower refuses, as its router has
 * already sent them to the leader) and its router (a follower forwards a transaction's body to
 * the leader's API and returns the leader's answer unchanged).
 */
public final class ClusterReplica implements TxService.Gateway, TxService.Router, ReplicaChain.Sink,
        ChainStateMachine.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReplica.class);
    private static final HexFormat HEX = HexFormat.of();

    /** How blocks are cut on the leader. */
    public record Blocks(int blockMs, int blockTxs, int queue) {
    }

    private final ClusterConfig config;
    private final BlockPublication publication;
    private final MarketDataPublisher marketData;
    private final NodeHealth health;
    private final NodeMetrics.ClusterCounters counters;
    private final ReplicaChain chain;
    private final LeaderForwarder forwarder;
    private final RaftReplica raft;
    /**
     * Set once Raft has started (it needs the server); Raft may replay committed entries on its apply
     * thread before that, when no client of this process can be waiting for them.
     */
    private volatile BlockProposer proposer;
    private final Consumer<String> onHalt;
    /** The last leader this replica heard of (kept while an election runs, to name it in a refusal). */
    private volatile String lastLeader;

    private ClusterReplica(ClusterConfig config, Path raftDir, ChainIdentity identity, Engine engine, ReplaceableStore store,
                           Path stateDir, StateConfig stateConfig, TxAdmission admission, BlockPublication publication,
                           MarketDataPublisher marketData, NodeHealth health, NodeMetrics metrics, Blocks blocks,
                           ReplicaChain.Tamper tamper, PendingRepair pendingRepair, Consumer<String> onHalt)
            throws IOException {
        this.config = config;
        this.onHalt = onHalt;
        this.publication = publication;
        this.marketData = marketData;
        this.health = health;
        this.forwarder = new LeaderForwarder(config.self());
        this.chain = new ReplicaChain(engine, store, stateDir, stateConfig, identity, admission, this, tamper);
        chain.deferredRepair(pendingRepair);
        RaftReplica[] started = new RaftReplica[1];
        this.counters = metrics.cluster(() -> {
            RaftReplica r = started[0];
            RaftReplica.Status s = r == null ? null : r.status();
            return s == null ? new NodeMetrics.RaftView("stopped", 0, -1, -1)
                    : new NodeMetrics.RaftView(s.role(), s.term(), s.commitIndex(), s.appliedIndex());
        });
        this.raft = RaftReplica.start(config, identity.chainId(), raftDir, new ChainStateMachine(chain, this));
        started[0] = raft;
        health.watchReplication(new ApplyWatch(raft::status, System::nanoTime));
        this.proposer = new BlockProposer(raft, chain, identity.genesisHash(), blocks.blockMs(), blocks.blockTxs(),
                blocks.queue(), RaftReplica.MAX_ENTRY_BYTES, System::currentTimeMillis);
        proposer.start();
    }

    /**
     * Starts this replica's Raft server over {@code raftDir}; Ratis then replays the log entries
     * the state lacks (on the apply thread) and elections follow.
     */
    public static ClusterReplica start(ClusterConfig config, Path raftDir, ChainIdentity identity, Engine engine,
                                       ReplaceableStore store, Path stateDir, StateConfig stateConfig, TxAdmission admission,
                                       BlockPublication publication, MarketDataPublisher marketData, NodeHealth health,
                                       NodeMetrics metrics, Blocks blocks, ReplicaChain.Tamper tamper,
                                       PendingRepair pendingRepair, Consumer<String> onHalt) throws IOException {
        return new ClusterReplica(config, raftDir, identity, engine, store, stateDir, stateConfig, admission, publication,
                marketData, health, metrics, blocks, tamper, pendingRepair, onHalt);
    }

    // ---------------------------------------------------------------- transactions in

    @Override
    public CompletableFuture<TxOutcome> submit(AdmittedTx tx) {
        CompletableFuture<TxOutcome> answer = new CompletableFuture<>();
        try {
            proposer.submit(new BlockProposer.Submission(tx.tx(), tx.signed(), answer));
        } catch (NotLeaderException e) {
            throw new NodeUnavailableException("this replica stopped leading; retry (the nonce prevents a double execution)");
        }
        return answer;
    }

    @Override
    public CompletableFuture<TxService.Answer> route(byte[] body, boolean forwarded) {
        RaftReplica.Status s = raft.status();
        if (s.isLeader()) {
            return null;
        }
        ClusterPeer leader = s.leader() == null ? null : config.peer(s.leader());
        if (forwarded || leader == null || leader.id().equals(config.self())) {
            return CompletableFuture.completedFuture(notLeader(forwarded
                    ? "this replica received a forwarded transaction but does not lead (an election is under way); retry"
                    : "no leader is known (an election is under way); retry shortly"));
        }
        return forwarder.forward(leader, "/v1/tx", body).handle((a, failure) -> failure == null
                ? new TxService.Answer(a.status(), a.body())
                : notLeader("the leader " + leader.id() + " at " + leader.httpAddress() + " did not answer: " + failure));
    }

    /** 503 {@code not_leader}, naming the last leader this replica knew and its HTTP address. */
    private TxService.Answer notLeader(String message) {
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("code", ApiCodes.name(RejectCode.NOT_LEADER));
        n.put("message", message);
        ClusterPeer last = lastLeader == null ? null : config.peer(lastLeader);
        n.put("leader", last == null ? null : last.id());
        n.put("leaderHttp", last == null ? null : last.httpAddress());
        return new TxService.Answer(ApiCodes.httpStatus(RejectCode.NOT_LEADER), n.toString());
    }

    // ---------------------------------------------------------------- blocks applied (apply thread)

    @Override
    public void beforeBlock() {
        publication.beforeBlock();
    }

    @Override
    public void committed(BlockEntry entry, BlockResult result) {
        BlockEvents events = publication.committed(result);
        BlockProposer p = proposer;
        if (p != null && entry.proposer().equals(config.self())) {
            p.applied(entry.proposal(), result.header().height(), result.header().time(), result.results());
        }
        publication.streamed(events);
    }

    @Override
    public void skipped(BlockEntry entry) {
        BlockProposer p = proposer;
        if (p != null && entry.proposer().equals(config.self())) {
            p.skipped(entry.proposal());
        }
    }

    @Override
    public void replaced(RecoveryReport recovery) {
        marketData.publishAll();
        health.committed(chain.height());
        publication.checkConsistency();
    }

    @Override
    public void diverged(long height, byte[] root, byte[] leaderRoot) {
        counters.rootMismatches().inc();
        health.replicaStopped("state root mismatch at height " + height,
                new NodeHealth.Divergence(height, HEX.formatHex(root), HEX.formatHex(leaderRoot)));
    }

    @Override
    public void halted(String cause) {
        health.halted(cause);
        BlockProposer p = proposer;
        if (p != null) {
            p.leadershipLost();
        }
        onHalt.accept(cause);
    }

    // ---------------------------------------------------------------- Raft events

    @Override
    public void leaderChanged(String leaderId) {
        counters.leaderChanges().inc();
        if (leaderId != null) {
            lastLeader = leaderId;
        }
        LOG.info("replica {}: the leader is now {}", config.self(), leaderId);
        BlockProposer p = proposer;
        if (!config.self().equals(leaderId) && p != null) {
            p.leadershipLost();
        }
    }

    @Override
    public void snapshotTaken(long index) {
        counters.snapshotsTaken().inc();
    }

    @Override
    public void snapshotInstalled(long index) {
        counters.snapshotsInstalled().inc();
    }

    @Override
    public void stopped(String why) {
        if (!health.isReplicaStopped()) {
            health.replicaStopped(why, null);
        }
    }

    // ---------------------------------------------------------------- status

    public RaftReplica.Status status() {
        return raft.status();
    }

    /** {@code GET /v1/cluster}: who this replica is, its role, the leader it knows, its term and applied height, the peers. */
    public ObjectNode view() {
        RaftReplica.Status s = raft.status();
        ObjectNode n = JsonViews.MAPPER.createObjectNode();
        n.put("self", config.self());
        n.put("role", s.role());
        n.put("leader", s.leader());
        n.put("term", s.term());
        n.put("appliedHeight", health.height());
        ArrayNode peers = n.putArray("peers");
        for (ClusterPeer p : config.peers()) {
            peers.addObject().put("id", p.id()).put("raft", p.raftAddress()).put("http", p.httpAddress());
        }
        return n;
    }

    public int queueDepth() {
        return proposer.queueDepth();
    }

    /** Stops proposing (queued transactions get 503) and stops the Raft server. */
    @Override
    public void close() {
        try {
            proposer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        raft.close();
    }
}
