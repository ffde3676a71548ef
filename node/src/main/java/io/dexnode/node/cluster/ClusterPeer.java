package io.dexnode.node.cluster;

/**
 * One replica of a cluster as {@code --peers} names it: {@code id=host:raftPort:httpPort}. The Raft
 * address carries the replication traffic; the HTTP address is where its API answers (and where a
 * follower forwards transactions when this peer leads).
 */
public record ClusterPeer(String id, String host, int raftPort, int httpPort) {
    public ClusterPeer {
        if (id == null || !id.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("a peer id is 1 to 32 of [A-Za-z0-9_.-], got \"" + id + "\"");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("peer " + id + " needs a host");
        }
        checkPort(id, "raft", raftPort);
        checkPort(id, "http", httpPort);
        if (raftPort == httpPort) {
            throw new IllegalArgumentException("peer " + id + " uses port " + raftPort + " for both raft and http");
        }
    }

    private static void checkPort(String id, String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer " + id + " needs a " + what + " port from 1 to 65535, got " + port);
        }
    }

    /** {@code host:raftPort}. */
    public String raftAddress() {
        return host + ":" + raftPort;
    }

    /** {@code host:httpPort}. */
    public String httpAddress() {
        return host + ":" + httpPort;
    }
}
