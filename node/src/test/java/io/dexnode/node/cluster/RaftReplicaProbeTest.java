package io.dexnode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ratis wiring over a toy chain: election, replication, and a wiped replica caught up by install-snapshot. */
class RaftReplicaProbeTest {
    /** A chain whose state is the list of applied heights, kept in a file. */
    static final class ToyChain implements ReplicatedChain {
        final Path dir;
        final List<Long> heights = new CopyOnWriteArrayList<>();
        RaftPosition position = RaftPosition.NONE;

        ToyChain(Path dir) {
            this.dir = dir;
        }

        @Override
        public RaftPosition appliedPosition() {
            return position;
        }

        @Override
        public long height() {
            return heights.isEmpty() ? 0 : heights.get(heights.size() - 1);
        }

        @Override
        public void apply(RaftPosition at, BlockEntry entry) {
            if (at.index() <= position.index()) {
                return;
            }
            if (entry.height() != height() + 1) {
                return;
            }
            heights.add(entry.height());
            position = at;
        }

        @Override
        public void writeSnapshot(Path target) {
            try {
                Files.createDirectories(target);
                Files.writeString(target.resolve("heights"), heights.toString() + "\n" + position.term() + " " + position.index());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long snapshotHeight(Path d) {
            try {
                String s = Files.readAllLines(d.resolve("heights")).get(0);
                String[] parts = s.replaceAll("[\\[\\] ]", "").split(",");
                return parts[0].isEmpty() ? 0 : Long.parseLong(parts[parts.length - 1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void installSnapshot(Path d, RaftPosition at) {
            long h = snapshotHeight(d);
            heights.clear();
            for (long i = 1; i <= h; i++) {
                heights.add(i);
            }
            position = at;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Member(ToyChain chain, RaftReplica replica) {
    }

    static Member start(ClusterConfig cfg, Path dir) throws IOException {
        ToyChain chain = new ToyChain(dir);
        ChainStateMachine sm = new ChainStateMachine(chain, new ChainStateMachine.Listener() {
            public void leaderChanged(String leaderId) { }
            public void snapshotTaken(long index) { }
            public void snapshotInstalled(long index) { }
            public void stopped(String why) { }
        });
        return new Member(chain, RaftReplica.start(cfg, "probe", dir.resolve("raft"), sm));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void wipedFollowerCatchesUpByInstallSnapshot(@TempDir Path tmp) throws Exception {
        StringBuilder spec = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            spec.append(i > 1 ? "," : "").append("n").append(i).append("=127.0.0.1:").append(freePort()).append(':').append(freePort());
        }
        List<Member> members = new ArrayList<>();
        List<ClusterConfig> cfgs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ClusterConfig c = ClusterConfig.of("n" + i, spec.toString()).withSnapshotEvery(50);
            cfgs.add(c);
            members.add(start(c, tmp.resolve("n" + i)));
        }
        try {
            Member leader = awaitLeader(members);
            byte[] zero = new byte[32];
            for (long h = 1; h <= 300; h++) {
                Member l = awaitLeader(members);
                var reply = l.replica().propose(BlockEntry.block(l.chain().height() + 1, h, zero, zero, "x", h, List.of())).get(10, TimeUnit.SECONDS);
                assertThat(reply.isSuccess()).isTrue();
            }
            int victim = members.indexOf(leader) == 0 ? 1 : 0;
            members.get(victim).replica().close();
            deleteTree(tmp.resolve("n" + (victim + 1)));
            Member fresh = start(cfgs.get(victim), tmp.resolve("n" + (victim + 1)));
            members.set(victim, fresh);
            for (long h = 301; h <= 320; h++) {
                Member l = awaitLeader(members);
                l.replica().propose(BlockEntry.block(l.chain().height() + 1, h, zero, zero, "x", h, List.of())).get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (fresh.chain().height() < 320 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(fresh.chain().height()).isEqualTo(320);
        } finally {
            for (Member m : members) {
                m.replica().close();
            }
        }
    }

    static Member awaitLeader(List<Member> members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Member m : members) {
                if (m.replica().status().leaderReady()) {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader");
    }

    static void deleteTree(Path p) throws IOException {
        SnapshotDirectory.deleteTree(p);
    }
}
