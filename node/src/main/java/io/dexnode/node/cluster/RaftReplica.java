package io.dexnode.node.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This replica's Raft server (Apache Ratis over gRPC): one group made of the {@code --peers}, whose
 * id is derived from the chain id (replicas of different chains never form a group), its log and
 * snapshots under {@code DATA/raft}. It proposes entries on the leader and says who leads.
 */
public final class RaftReplica implements AutoCloseable {
    /** The most bytes one block entry may take in the log (the block producer cuts blocks below it). */
    public static final int MAX_ENTRY_BYTES = 4 << 20;
    /**
     * Log segments of 64 KiB: a replica catching up reads and sends whole segments, and with
     * 1 MiB ones a wiped replica was seen failing to catch up (STACK.md).
     */
    private static final SizeInBytes SEGMENT_SIZE = SizeInBytes.valueOf("64KB");

    private final ClusterConfig config;
    private final RaftGroupId groupId;
    private final RaftPeerId selfId;
    private final RaftServer server;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    private RaftReplica(ClusterConfig config, RaftGroupId groupId, RaftServer server) {
        this.config = config;
        this.groupId = groupId;
        this.selfId = RaftPeerId.valueOf(config.self());
        this.server = server;
    }

    /** The Raft group of a chain: its id is a name-based UUID of the chain id. */
    public static RaftGroupId groupId(String chainId) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("dexnode:" + chainId).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts this replica's Raft server over {@code raftDir} (formatted on first use, recovered
     * after), returning once it runs; leadership follows within an election timeout.
     */
    public static RaftReplica start(ClusterConfig config, String chainId, Path raftDir, ChainStateMachine stateMachine)
            throws IOException {
        RaftGroupId group = groupId(chainId);
        List<RaftPeer> peers = new ArrayList<>();
        for (ClusterPeer p : config.peers()) {
            peers.add(RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build());
        }
        RaftProperties props = properties(config, raftDir);
        boolean existing = Files.isDirectory(raftDir.resolve(group.getUuid().toString()));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(config.self()))
                .setGroup(RaftGroup.valueOf(group, peers))
                .setStateMachine(stateMachine)
                .setProperties(props)
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new RaftReplica(config, group, server);
    }

    static RaftProperties properties(ClusterConfig config, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        ClusterPeer self = config.selfPeer();
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.raftPort());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(config.electionTimeoutMinMs(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(config.electionTimeoutMaxMs(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEveryEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotEveryEntries()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SEGMENT_SIZE);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SEGMENT_SIZE);
        SizeInBytes entryLimit = SizeInBytes.valueOf(MAX_ENTRY_BYTES + (64 << 10));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(2L * entryLimit.getSize()));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entryLimit);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        // An entry counts toward a majority once it is on disk: the log is what makes a block durable.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, !config.logFsync());
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2L * entryLimit.getSize()));
        return p;
    }

    /**
     * Proposes {@code entry} as the leader. The reply completes after the entry is committed and
     * applied here, or exceptionally (or with a failed reply) when this replica is not the leader
     * or lost leadership before the entry committed.
     */
    public CompletableFuture<RaftClientReply> propose(BlockEntry entry) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(selfId)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry.encode())))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }


    private static final Status STOPPED = new Status("stopped", null, 0, -1, -1, false, -1, false);

    /** What this replica knows of the group right now. */
    public Status status() {
        try {
            var division = server.getDivision(groupId);
            DivisionInfo info = division.getInfo();
            RaftPeerId leader = info.getLeaderId();
            return new Status(role(info.getCurrentRole()), leader == null ? null : leader.toString(), info.getCurrentTerm(),
                    division.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(),
                    info.isLeader() && info.isLeaderReady(), division.getRaftLog().getNextIndex() - 1, info.isAlive());
        } catch (IOException | IllegalStateException e) {
            return STOPPED; // the server closed (this replica stopped, or the node is shutting down)
        }
    }

    private static String role(RaftPeerRole r) {
        return switch (r) {
            case LEADER -> "leader";
            case FOLLOWER -> "follower";
            case CANDIDATE -> "candidate";
            default -> r.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * @param role leader, follower, candidate (or stopped)
     * @param leader the leader's id as this replica knows it, or null
     * @param leaderReady this replica leads and has committed an entry of its term
     * @param lastLogIndex the index of the last entry in this replica's log
     */
    public record Status(String role, String leader, long term, long commitIndex, long appliedIndex, boolean leaderReady,
                         long lastLogIndex, boolean alive) {
        public boolean isLeader() {
            return "leader".equals(role);
        }
    }

    public ClusterConfig config() {
        return config;
    }

    /** This replica's id. */
    public String selfId() {
        return selfId.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the Raft server failed", e);
        }
    }
}
