package io.dexnode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state machine as Ratis drives it when snapshots arrive from the leader: Ratis pauses it on a
 * snapshot's last chunk, loads the snapshot on its apply thread ({@code reinitialize}) and resumes
 * applying after. These tests play Ratis' calls in that order on an "apply thread" of their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChainStateMachineTest {
    @TempDir
    Path dir;

    private final ExecutorService applyThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-apply"));
    private final FakeChain chain = new FakeChain();
    private final List<Long> installed = new CopyOnWriteArrayList<>();
    private RaftStorage storage;
    private ChainStateMachine machine;

    @BeforeEach
    void start() throws IOException {
        storage = TestRaftStorage.format(dir.resolve("raft"));
        machine = new ChainStateMachine(chain, new ChainStateMachine.Listener() {
            @Override
            public void leaderChanged(String leaderId) {
            }

            @Override
            public void snapshotTaken(long index) {
            }

            @Override
            public void snapshotInstalled(long index) {
                installed.add(index);
            }

            @Override
            public void stopped(String why) {
            }
        });
        machine.initialize(server("n1"), RaftGroupId.randomId(), storage);
    }

    @AfterEach
    void stop() throws IOException {
        chain.release.countDown();
        applyThread.shutdownNow();
        storage.close();
    }

    /** A Raft server that only says its id (all the state machine asks of it here). */
    private static RaftServer server(String id) {
        return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(), new Class<?>[] {RaftServer.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> RaftPeerId.valueOf(id);
                    case "toString" -> "server " + id;
                    case "hashCode" -> id.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A snapshot as Ratis leaves it in the state machine directory after receiving every chunk. */
    private void received(long term, long index) throws IOException {
        Path s = machine.getStateMachineStorage().root().resolve("snapshot-" + term + "-" + index);
        Files.createDirectories(s);
        Files.writeString(s.resolve("height"), Long.toString(index / 2));
    }

    @Test
    void aSnapshotArrivingBeforeRatisResumedAfterLoadingThePreviousOneIsRefusedAndAcceptedAfter() throws Exception {
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);
        received(2, 799);
        machine.pause();
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.PAUSED);

        chain.holdInstall = true;
        Future<?> load = applyThread.submit(() -> {
            machine.reinitialize();
            return null;
        });
        assertThat(chain.installing.await(30, TimeUnit.SECONDS)).as("the load started").isTrue();
        // The leader's next snapshot is complete while the first one loads: refused, nothing changes.
        assertThatThrownBy(machine::pause).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still being loaded");
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.STARTING);

        chain.release.countDown();
        load.get(30, TimeUnit.SECONDS);
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);
        assertThat(installed).containsExactly(799L);
        assertThat(machine.getLastAppliedTermIndex().getIndex()).as("read by the node, not the apply thread").isEqualTo(799);
        // The load ended but Ratis has not resumed its apply loop yet: still refused.
        assertThatThrownBy(machine::pause).isInstanceOf(IllegalStateException.class);

        // Ratis' apply loop runs again (it reads the applied position on its thread): accepted now.
        applyThread.submit(() -> machine.getLastAppliedTermIndex()).get(30, TimeUnit.SECONDS);
        received(3, 1199);
        machine.pause();
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.PAUSED);
        chain.holdInstall = false;
        applyThread.submit(() -> {
            machine.reinitialize();
            return null;
        }).get(30, TimeUnit.SECONDS);
        assertThat(installed).containsExactly(799L, 1199L);
        assertThat(chain.installedAt).isEqualTo(new RaftPosition(3, 1199));
        assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(1199);
    }

    @Test
    void aSnapshotNoNewerThanTheStateIsNotInstalledButRatisStillResumes() throws Exception {
        received(2, 799);
        machine.pause();
        applyThread.submit(() -> {
            machine.reinitialize();
            return null;
        }).get(30, TimeUnit.SECONDS);
        assertThat(installed).containsExactly(799L);

        applyThread.submit(() -> machine.getLastAppliedTermIndex()).get(30, TimeUnit.SECONDS);
        machine.pause();
        applyThread.submit(() -> {
            machine.reinitialize();
            return null;
        }).get(30, TimeUnit.SECONDS);
        assertThat(installed).as("the same snapshot again changes nothing").containsExactly(799L);
        assertThat(machine.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);
    }

    /** A chain that records what it installs and can hold an install until released. */
    private static final class FakeChain implements ReplicatedChain {
        final CountDownLatch installing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean holdInstall;
        volatile RaftPosition installedAt = RaftPosition.NONE;

        @Override
        public RaftPosition appliedPosition() {
            return installedAt;
        }

        @Override
        public long height() {
            return installedAt.index() / 2;
        }

        @Override
        public void apply(RaftPosition at, BlockEntry entry) {
            throw new AssertionError("no entries in these tests");
        }

        @Override
        public void writeSnapshot(Path dir) {
            throw new AssertionError("no snapshots taken in these tests");
        }

        @Override
        public long snapshotHeight(Path dir) {
            try {
                return Long.parseLong(Files.readString(dir.resolve("height")).trim());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void installSnapshot(Path dir, RaftPosition at) {
            installing.countDown();
            if (holdInstall) {
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            installedAt = at;
        }
    }
}
