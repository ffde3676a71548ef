package io.dexnode.node.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who this replica is and who the others are ({@code --node-id n1 --peers n1=…,n2=…,n3=…}), and the
 * few Raft settings an operator may tune. The peer list is the whole group, this node included,
 * and every replica must be started with the same list.
 *
 * @param self this replica's id; one of {@code peers}
 * @param peers every replica of the group, in the order given
 * @param electionTimeoutMinMs a follower that hears nothing from a leader for a random time between
 *                             this and {@code electionTimeoutMaxMs} starts an election
 * @param electionTimeoutMaxMs see {@code electionTimeoutMinMs}
 * @param snapshotEveryEntries a replica snapshots its state (and Raft purges the log below it) every
 *                             this many applied log entries
 * @param logFsync the Raft log fsyncs each entry before it counts toward a majority (what makes an
 *                 acknowledged block survive a machine crash; off only for benchmarks and tests)
 */
public record ClusterConfig(String self, List<ClusterPeer> peers, int electionTimeoutMinMs, int electionTimeoutMaxMs,
                            long snapshotEveryEntries, boolean logFsync) {
    /**
     * Election timeouts. A leader's SIGKILL is noticed after 1–2 s of silence and the election takes
     * a few round trips, so the next order is acknowledged within about 3 s; shorter timeouts made
     * three JVMs on two cores elect needlessly during garbage collection and start-up.
     */
    public static final int DEFAULT_ELECTION_MIN_MS = 1000;
    public static final int DEFAULT_ELECTION_MAX_MS = 2000;
    /** Entries between snapshots: a few minutes of blocks at full load, a checkpoint (hard links) each time. */
    public static final long DEFAULT_SNAPSHOT_EVERY = 10_000;

    public ClusterConfig {
        peers = List.copyOf(peers);
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("--peers names no peer");
        }
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (ClusterPeer p : peers) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("--peers names " + p.id() + " twice");
            }
            if (!addresses.add(p.raftAddress()) | !addresses.add(p.httpAddress())) {
                throw new IllegalArgumentException("--peers: peer " + p.id() + " shares an address with another peer");
            }
        }
        if (!ids.contains(self)) {
            throw new IllegalArgumentException("--node-id " + self + " is not one of the --peers (" + String.join(", ", ids) + ")");
        }
        if (electionTimeoutMinMs < 100 || electionTimeoutMaxMs < electionTimeoutMinMs) {
            throw new IllegalArgumentException("need 100 <= election timeout min <= max, got " + electionTimeoutMinMs
                    + " and " + electionTimeoutMaxMs);
        }
        if (snapshotEveryEntries < 1) {
            throw new IllegalArgumentException("need --snapshot-every >= 1, got " + snapshotEveryEntries);
        }
    }

    /** Parses {@code --peers}: comma-separated {@code id=host:raftPort:httpPort}. */
    public static List<ClusterPeer> parsePeers(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--peers is empty; expected id=host:raftPort:httpPort,…");
        }
        List<ClusterPeer> out = new ArrayList<>();
        for (String item : spec.split(",")) {
            String s = item.trim();
            int eq = s.indexOf('=');
            String[] addr = eq < 0 ? new String[0] : s.substring(eq + 1).split(":");
            if (eq <= 0 || addr.length != 3) {
                throw new IllegalArgumentException("--peers: \"" + s + "\" is not id=host:raftPort:httpPort");
            }
            out.add(new ClusterPeer(s.substring(0, eq), addr[0], port(s, addr[1]), port(s, addr[2])));
        }
        return out;
    }

    private static int port(String item, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--peers: \"" + item + "\" has a port that is not a number: " + text);
        }
    }

    public static ClusterConfig of(String self, String peersSpec) {
        return new ClusterConfig(self, parsePeers(peersSpec), DEFAULT_ELECTION_MIN_MS, DEFAULT_ELECTION_MAX_MS,
                DEFAULT_SNAPSHOT_EVERY, true);
    }

    /** This replica's own entry. */
    public ClusterPeer selfPeer() {
        return peer(self);
    }

    /** The peer of {@code id}, or null. */
    public ClusterPeer peer(String id) {
        for (ClusterPeer p : peers) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }

    public ClusterConfig withSnapshotEvery(long entries) {
        return new ClusterConfig(self, peers, electionTimeoutMinMs, electionTimeoutMaxMs, entries, logFsync);
    }

    public ClusterConfig withElectionTimeouts(int minMs, int maxMs) {
        return new ClusterConfig(self, peers, minMs, maxMs, snapshotEveryEntries, logFsync);
    }

    public ClusterConfig withLogFsync(boolean fsync) {
        return new ClusterConfig(self, peers, electionTimeoutMinMs, electionTimeoutMaxMs, snapshotEveryEntries, fsync);
    }
}
