package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateException;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which failure a halted engine names when the write of the block before failed while a block ran. */
@Timeout(60)
class EngineHaltCauseTest {

    /**
     * An in-memory store whose next pipelined write fails late, as a RocksDB write on a full disk
     * can: from the write on, every read and commit is refused at once (the store has failed), and
     * the write's own failure is reported 200 ms after the first refusal.
     */
    static final class LateFailingStore implements StateStore {
        final InMemoryStateStore inner = new InMemoryStateStore();
        volatile boolean failNextWrite;
        private volatile boolean refusing;
        private final CompletableFuture<Void> failingWrite = new CompletableFuture<>();

        @Override
        public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
            refuseIfFailed();
            if (!failNextWrite) {
                return StateStore.super.commitPipelined(version, writes, extras);
            }
            byte[] root = inner.commit(version, writes, extras);
            refusing = true;
            return new PendingCommit(version, root, failingWrite);
        }

        private void refuseIfFailed() {
            if (refusing) {
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                        .execute(() -> failingWrite.completeExceptionally(new StateException("disk full while writing")));
                throw new StateException("a commit failed (disk full while writing); the store refuses further use");
            }
        }

        @Override public byte[] commit(long version, WriteSet writes, WriteSet extras) { refuseIfFailed(); return inner.commit(version, writes, extras); }
        @Override public long latestVersion() { return inner.latestVersion(); }
        @Override public byte[] latestRoot() { return inner.latestRoot(); }
        @Override public byte[] rootAt(long version) { return inner.rootAt(version); }
        @Override public byte[] get(byte[] key) { refuseIfFailed(); return inner.get(key); }
        @Override public byte[] get(byte[] key, long version) { refuseIfFailed(); return inner.get(key, version); }
        @Override public List<byte[]> multiGet(List<byte[]> keys) { refuseIfFailed(); return inner.multiGet(keys); }
        @Override public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> v) { refuseIfFailed(); inner.scanPrefix(prefix, v); }
        @Override public StateProof getWithProof(byte[] key, long version) { return inner.getWithProof(key, version); }
        @Override public List<byte[]> changedKeys(long from, long to) { return inner.changedKeys(from, to); }
        @Override public byte[] getExtra(byte[] key) { return inner.getExtra(key); }
        @Override public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> v) { inner.scanExtras(prefix, v); }
        @Override public long oldestRetainedVersion() { return inner.oldestRetainedVersion(); }
        @Override public void close() { inner.close(); }
    }

    @Test
    void aBlockRefusedBecauseTheWriteBeforeItFailedNamesThatWriteAsTheCause() {
        LateFailingStore store = new LateFailingStore();
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        engine.executeBlock(1, 0, List.of(new Tx.Deposit("alice", 0, 10)));
        store.failNextWrite = true;
        Engine.PendingBlock two = engine.executeBlockPipelined(2, 0, List.of(new Tx.Deposit("alice", 1, 5)));
        // Block 3 is refused by the failed store before block 2's write has reported its failure:
        // the cause named must be that write, not block 3 (whose failure is only its consequence).
        assertThatThrownBy(() -> engine.executeBlockPipelined(3, 0, List.of(new Tx.Deposit("bob", 0, 5))))
                .isInstanceOf(EngineHaltedException.class)
                .hasMessageStartingWith("commit of block 2 failed: ")
                .hasMessageContaining("disk full while writing");
        assertThatThrownBy(two::awaitDurable).isInstanceOf(EngineHaltedException.class)
                .hasMessageStartingWith("commit of block 2 failed: ");
    }
}
