package io.dexnode.node.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.Engine;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.health.NodeHealth;
import io.dexnode.node.metrics.NodeMetrics;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateException;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The producer without HTTP: group commit answers, and a failing commit halts the node. */
@Timeout(300)
class BlockProducerTest {

    /** An in-memory store whose commits start failing when told to (a disk that went away). */
    static final class FailingStore implements StateStore {
        final InMemoryStateStore inner = new InMemoryStateStore();
        final AtomicBoolean fail = new AtomicBoolean();

        @Override
        public byte[] commit(long version, WriteSet writes, WriteSet extras) {
            if (fail.get()) {
                throw new IllegalStateException("simulated I/O error");
            }
            return inner.commit(version, writes, extras);
        }

        /**
         * With a delay, commits are pipelined as on RocksDB: the root at once, durability (or the
         * simulated I/O error) that much later, on another thread.
         */
        volatile int writeDelayMs;

        /** Versions whose write completes only when the test completes its future. */
        final java.util.Map<Long, CompletableFuture<Void>> heldWrites = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
            CompletableFuture<Void> held = heldWrites.get(version);
            if (held != null) {
                return new PendingCommit(version, inner.commit(version, writes, extras), held.thenRun(() -> { }));
            }
            if (writeDelayMs == 0) {
                return StateStore.super.commitPipelined(version, writes, extras);
            }
            boolean failing = fail.get();
            byte[] root = inner.commit(version, writes, extras);
            CompletableFuture<Void> durable = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(writeDelayMs, TimeUnit.MILLISECONDS).execute(() -> {
                if (failing) {
                    durable.completeExceptionally(new StateException("simulated I/O error"));
                } else {
                    durable.complete(null);
                }
            });
            return new PendingCommit(version, root, durable);
        }

        @Override public long latestVersion() { return inner.latestVersion(); }
        @Override public byte[] latestRoot() { return inner.latestRoot(); }
        @Override public byte[] rootAt(long version) { return inner.rootAt(version); }
        @Override public byte[] get(byte[] key) { return inner.get(key); }
        @Override public byte[] get(byte[] key, long version) { return inner.get(key, version); }
        @Override public List<byte[]> multiGet(List<byte[]> keys) { return inner.multiGet(keys); }
        @Override public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> v) { inner.scanPrefix(prefix, v); }
        @Override public StateProof getWithProof(byte[] key, long version) { return inner.getWithProof(key, version); }
        @Override public List<byte[]> changedKeys(long from, long to) { return inner.changedKeys(from, to); }
        @Override public byte[] getExtra(byte[] key) { return inner.getExtra(key); }
        @Override public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> v) { inner.scanExtras(prefix, v); }
        @Override public long oldestRetainedVersion() { return inner.oldestRetainedVersion(); }
        @Override public void close() { inner.close(); }
    }

    private record Rig(FailingStore store, Engine engine, NodeHealth health, BlockProducer producer, CountDownLatch halted,
                       AtomicReference<String> cause, MarketDataPublisher publisher) {
    }

    private static Rig rig() {
        return rig(0);
    }

    private static Rig rig(int writeDelayMs) {
        return rig(writeDelayMs, 0);
    }

    /** A producer over a store whose block 1 (the market) has time {@code firstBlockTime}. */
    private static Rig rig(int writeDelayMs, long firstBlockTime) {
        return rig(writeDelayMs, firstBlockTime, 100);
    }

    private static Rig rig(int writeDelayMs, long firstBlockTime, int blockTxs) {
        return rig(writeDelayMs, firstBlockTime, blockTxs, e -> { });
    }

    private static Rig rig(int writeDelayMs, long firstBlockTime, int blockTxs, Consumer<BlockEvents> stream) {
        return rig(writeDelayMs, firstBlockTime, 1, blockTxs, stream, ProducerHook.NONE, System::nanoTime);
    }

    private static Rig rig(int writeDelayMs, long firstBlockTime, int blockMs, int blockTxs, Consumer<BlockEvents> stream,
                           ProducerHook hook, java.util.function.LongSupplier nanoClock) {
        FailingStore store = new FailingStore();
        store.writeDelayMs = writeDelayMs;
        Engine engine = new Engine(store);
        engine.rebuildOrderbookFromState();
        engine.executeBlock(1, firstBlockTime, List.of(new Tx.CreateMarket(null, 0, new MarketParams(1, "T", 1, 1, 1, 0, 0, 1000, 500))));
        MarketDataPublisher publisher = new MarketDataPublisher(engine);
        publisher.publishAll();
        NodeHealth health = new NodeHealth();
        health.recovered();
        CountDownLatch halted = new CountDownLatch(1);
        AtomicReference<String> cause = new AtomicReference<>();
        NodeMetrics metrics = new NodeMetrics(() -> 0, List::of, () -> 0);
        BlockProducer producer = new BlockProducer(engine, blockMs, blockTxs, 100, 10, publisher, stream, health, metrics,
                hook, why -> {
                    cause.set(why);
                    halted.countDown();
                }, nanoClock);
        producer.start();
        return new Rig(store, engine, health, producer, halted, cause, publisher);
    }

    @Test
    void acceptedTransactionsAreAnsweredWithTheirCommittedHeight() throws Exception {
        Rig r = rig();
        TxOutcome a = r.producer().submit(new Tx.Deposit("alice", 0, 10)).get(30, TimeUnit.SECONDS);
        TxOutcome b = r.producer().submit(new Tx.Deposit("alice", 0, 5)).get(30, TimeUnit.SECONDS);
        assertThat(a.result().accepted()).isTrue();
        assertThat(b.height()).isGreaterThan(a.height());
        assertThat(r.store().latestVersion()).isEqualTo(b.height());
        assertThat(b.time()).isGreaterThanOrEqualTo(a.time());
        r.producer().stop();
    }

    @Test
    void aBlockIsNeverOlderThanTheLastCommittedOneEvenAfterARestart() throws Exception {
        // As after a restart on a machine whose clock stepped back an hour.
        long later = System.currentTimeMillis() + 3_600_000;
        Rig r = rig(0, later);
        TxOutcome o = r.producer().submit(new Tx.Deposit("alice", 0, 10)).get(30, TimeUnit.SECONDS);
        assertThat(o.height()).isEqualTo(2);
        assertThat(o.time()).isGreaterThanOrEqualTo(later);
        r.producer().stop();
    }

    /** Delay 0: the commit itself throws; 20 ms: the write fails later, after its block was cut. */
    @ParameterizedTest(name = "write delay {0} ms")
    @ValueSource(ints = {0, 20})
    void aFailedCommitFailsTheWaitingRequestsMarksTheNodeHaltedAndStops(int writeDelayMs) throws Exception {
        Rig r = rig(writeDelayMs);
        assertThat(r.producer().submit(new Tx.Deposit("alice", 0, 10)).get(30, TimeUnit.SECONDS).result().accepted()).isTrue();
        r.store().fail.set(true);
        CompletableFuture<TxOutcome> doomed = r.producer().submit(new Tx.Deposit("alice", 0, 10));
        assertThatThrownBy(() -> doomed.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NodeUnavailableException.class).hasMessageContaining("halted");
        assertThat(r.halted().await(30, TimeUnit.SECONDS)).as("halted").isTrue();
        assertThat(r.cause().get()).contains("commit of block 3 failed", "simulated I/O error");
        assertThat(r.health().height()).as("the last durable block").isEqualTo(2);
        assertThat(r.health().isHalted()).isTrue();
        assertThat(r.health().ready()).isFalse();
        assertThat(r.engine().isHalted()).isTrue();
        assertThatThrownBy(() -> r.producer().submit(new Tx.Deposit("alice", 0, 1))).isInstanceOf(NodeUnavailableException.class);
        r.producer().stop();
    }

    @Test
    void anyFailureOnTheProducerThreadHaltsTheNodeWithTheCauseOnOneLine() throws Exception {
        // The stream breaks on blocks above this height (the first block's events stream after its answer).
        AtomicLong brokenAbove = new AtomicLong(Long.MAX_VALUE);
        Rig r = rig(0, 0, 100, events -> {
            if (events.height() > brokenAbove.get()) {
                throw new IllegalStateException("the stream broke\nat a second line");
            }
        });
        brokenAbove.set(r.producer().submit(new Tx.Deposit("alice", 0, 10)).get().height());
        // Its block is committed and answered; streaming its events fails, which ends the node.
        assertThat(r.producer().submit(new Tx.Deposit("alice", 0, 5)).get().result().accepted()).isTrue();
        assertThat(r.halted().await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.cause().get()).isEqualTo("the block producer failed: java.lang.IllegalStateException: the stream broke at a second line");
        assertThat(r.health().reason()).isEqualTo("halted: " + r.cause().get());
        assertThatThrownBy(() -> r.producer().submit(new Tx.Deposit("alice", 0, 1))).isInstanceOf(NodeUnavailableException.class)
                .hasMessageContaining("halted");
        r.producer().stop();
    }

    @Test
    void pipelinedBlocksAreAnsweredOnlyOnceDurableInOrderAndAllOfThem() throws Exception {
        // Blocks of at most 10 transactions, each written in 20 ms: 60 transactions make several
        // blocks, cut while earlier ones are still being written.
        Rig r = rig(20, 0, 10);
        List<CompletableFuture<TxOutcome>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            answers.add(r.producer().submit(new Tx.Deposit("trader" + (i % 7), 0, 1 + i)));
        }
        long lastHeight = 0;
        for (CompletableFuture<TxOutcome> a : answers) {
            TxOutcome o = a.get(30, TimeUnit.SECONDS);
            assertThat(o.result().accepted()).isTrue();
            assertThat(o.height()).isGreaterThanOrEqualTo(lastHeight);
            lastHeight = o.height();
        }
        assertThat(lastHeight).as("at least six blocks after the market's").isGreaterThanOrEqualTo(7);
        r.producer().stop();
        assertThat(r.engine().isHalted()).isFalse();
    }

    @Test
    void aTransactionQueuedWhileTheBlockBeforeExecutesWaitsForItsBlockAtMostTheWindowFromWhenItWasQueued() throws Exception {
        // A one-minute window on a test clock, blocks of at most two transactions. Block 2 (two
        // deposits, so cut at once) is held before it executes; meanwhile one more deposit is
        // queued and the clock passes its window. Released, the producer must cut that deposit's
        // block at once: its window ran out while it waited. Timed from when the producer took
        // it, as before, it would wait another minute and miss the 30 s below.
        AtomicLong clock = new AtomicLong();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProducerHook holdBlock2 = height -> {
            if (height == 2) {
                held.countDown();
                release.await();
            }
        };
        Rig r = rig(0, 0, 60_000, 2, e -> { }, holdBlock2, clock::get);
        CompletableFuture<TxOutcome> a = r.producer().submit(new Tx.Deposit("alice", 0, 10));
        CompletableFuture<TxOutcome> b = r.producer().submit(new Tx.Deposit("bob", 0, 10));
        assertThat(held.await(30, TimeUnit.SECONDS)).as("block 2 cut with two transactions").isTrue();
        CompletableFuture<TxOutcome> late = r.producer().submit(new Tx.Deposit("carol", 0, 10));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
        release.countDown();
        assertThat(a.get(30, TimeUnit.SECONDS).height()).isEqualTo(2);
        assertThat(b.get(30, TimeUnit.SECONDS).height()).isEqualTo(2);
        TxOutcome o = late.get(30, TimeUnit.SECONDS);
        assertThat(o.result().accepted()).isTrue();
        assertThat(o.height()).as("a block of its own, cut once block 2 was done").isEqualTo(3);
        r.producer().stop();
    }

    private static Tx.Place bid(long price) {
        return new Tx.Place("alice", 0, 1, Side.BUY, price, 1, TimeInForce.GTC, null, SelfTradePrevention.ALLOW);
    }

    /** A hook that holds the producer before it executes each of {@code heights} until the test counts its latch down. */
    private record Holds(java.util.Map<Long, CountDownLatch> reached, java.util.Map<Long, CountDownLatch> release)
            implements ProducerHook {
        static Holds at(long... heights) {
            Holds h = new Holds(new java.util.HashMap<>(), new java.util.HashMap<>());
            for (long height : heights) {
                h.reached().put(height, new CountDownLatch(1));
                h.release().put(height, new CountDownLatch(1));
            }
            return h;
        }

        @Override
        public void beforeBlock(long height) throws InterruptedException {
            if (reached.containsKey(height)) {
                reached.get(height).countDown();
                release.get(height).await();
            }
        }

        void awaitReached(long height) throws InterruptedException {
            assertThat(reached.get(height).await(30, TimeUnit.SECONDS)).as("block " + height + " cut").isTrue();
        }
    }

    @Test
    void aBlockIsAnsweredOnceDurableEvenWhileTheProducerIsHeldOnTheNextBlock() throws Exception {
        // Blocks of one transaction, written 20 ms after they execute on another thread. Block 3 is
        // held until a second deposit is queued, so the producer cuts block 4 right after it, and
        // block 4 is held before it executes. Block 3's answer must not wait for block 4: before,
        // the block in flight was answered after the next one had executed.
        Holds holds = Holds.at(3, 4);
        Rig r = rig(20, 0, 1, 1, e -> { }, holds, System::nanoTime);
        assertThat(r.producer().submit(new Tx.Deposit("alice", 0, 10)).get(30, TimeUnit.SECONDS).height()).isEqualTo(2);
        CompletableFuture<TxOutcome> a = r.producer().submit(new Tx.Deposit("alice", 0, 10));
        holds.awaitReached(3);
        CompletableFuture<TxOutcome> b = r.producer().submit(new Tx.Deposit("alice", 0, 10));
        holds.release().get(3L).countDown();
        holds.awaitReached(4);
        assertThat(a.get(10, TimeUnit.SECONDS).height()).as("answered while block 4 is held").isEqualTo(3);
        assertThat(r.health().height()).isEqualTo(3);
        holds.release().get(4L).countDown();
        assertThat(b.get(30, TimeUnit.SECONDS).height()).isEqualTo(4);
        r.producer().stop();
    }

    @Test
    void theMarketDataOfAHeightIsTheBooksThatBlockLeftNeverTheNextBlocks() throws Exception {
        // Block 3 rests a bid at 100, block 4 one at 101. Block 3's write is held while block 4
        // executes; once it lands, readers and the stream must see block 3's book (one level),
        // not block 4's, whose write may still fail. Before, block 3's depth was read after block 4 executed.
        List<BlockEvents> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Holds holds = Holds.at(3);
        Rig r = rig(0, 0, 1, 1, streamed::add, holds, System::nanoTime);
        assertThat(r.producer().submit(new Tx.Deposit("alice", 0, 1_000_000)).get(30, TimeUnit.SECONDS).height()).isEqualTo(2);
        CompletableFuture<Void> write3 = new CompletableFuture<>();
        CompletableFuture<Void> write4 = new CompletableFuture<>();
        r.store().heldWrites.put(3L, write3);
        r.store().heldWrites.put(4L, write4);
        CompletableFuture<TxOutcome> a = r.producer().submit(bid(100));
        holds.awaitReached(3);
        CompletableFuture<TxOutcome> b = r.producer().submit(bid(101));
        holds.release().get(3L).countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.store().inner.latestVersion() < 4) {
            assertThat(System.nanoTime()).as("block 4 executed").isLessThan(deadline);
            Thread.sleep(1);
        }
        assertThat(a).isNotDone();
        write3.complete(null);
        assertThat(a.get(30, TimeUnit.SECONDS).height()).isEqualTo(3);
        MarketView at3 = r.publisher().current().market(1);
        assertThat(at3.height()).isEqualTo(3);
        assertThat(at3.bids()).as("block 3's book").isDeepEqualTo(new long[][] {{100, 1}});
        write4.complete(null);
        assertThat(b.get(30, TimeUnit.SECONDS).height()).isEqualTo(4);
        assertThat(r.publisher().current().market(1).bids()).isDeepEqualTo(new long[][] {{101, 1}, {100, 1}});
        r.producer().stop();
        BlockEvents e3 = streamed.stream().filter(e -> e.height() == 3).findFirst().orElseThrow();
        BlockEvents e4 = streamed.stream().filter(e -> e.height() == 4).findFirst().orElseThrow();
        assertThat(e3.depth().get(1).bids()).as("block 3's change").isDeepEqualTo(new long[][] {{100, 1}});
        assertThat(e4.depth().get(1).bids()).as("block 4's change").isDeepEqualTo(new long[][] {{101, 1}});
        assertThat(e3.after().market(1).bids()).isDeepEqualTo(new long[][] {{100, 1}});
    }
}
