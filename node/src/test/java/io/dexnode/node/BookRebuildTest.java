package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.book.OrderBook;
import io.dexnode.book.Side;
import io.dexnode.engine.BookFactory;
import io.dexnode.engine.Engine;
import io.dexnode.engine.EngineConfig;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.node.producer.ProducerHook;
import io.dexnode.state.PendingCommit;
import io.dexnode.state.StateProof;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A running node whose book and state come to disagree: the periodic consistency check rebuilds
 * that market's book from state before the next block, counts it ({@code dexnode_book_rebuilds_total}),
 * logs which orders differed, serves the rebuilt depth and stays ready; when state itself is
 * inconsistent (an index entry for a cancelled order) the rebuild cannot fix it and readiness is
 * withdrawn. The faults are injected through the node's engine seam: books the test keeps (and
 * breaks on the producer thread, between blocks) and a store that loses one index deletion. Each
 * runs twice: with the periodic check's scan of state beside the block thread (the node's way when
 * its store can pin a view) and on it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BookRebuildTest {
    private static final int MARKET = 1;
    private static final long BOGUS_ORDER = 999_999;

    @TempDir
    Path dir;

    /** Every book the engine made, by market. */
    private final Map<Integer, OrderBook> books = new ConcurrentHashMap<>();
    /** Runs on the producer thread just before its next block. */
    private final AtomicReference<Runnable> beforeNextBlock = new AtomicReference<>();
    private final AtomicBoolean loseNextIndexDeletion = new AtomicBoolean();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;
    private Node node;
    private NodeClient client;

    /**
     * Starts the node; {@code beside} false hides the store's pinned views from the node, so that
     * its periodic checks scan state on the block thread instead of beside it.
     */
    private void start(boolean beside) throws Exception {
        start(beside, false);
    }

    private void start(boolean beside, boolean brokenViews) throws Exception {
        stderr = System.err;
        System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
        BookFactory keptBooks = (market, events, expected) -> {
            OrderBook book = BookFactory.STANDARD.create(market, events, expected);
            books.put(market.marketId(), book);
            return book;
        };
        ProducerHook hook = height -> {
            Runnable action = beforeNextBlock.getAndSet(null);
            if (action != null) {
                action.run();
            }
        };
        Node.Options options = new Node.Options(hook, (status, line) -> { }, port -> { })
                .withState(store -> beside && !brokenViews ? store : new LosingStore(store, new AtomicBoolean(), brokenViews))
                .withEngine(store -> new Engine(new LosingStore(store, loseNextIndexDeletion), EngineConfig.defaults(), keptBooks));
        node = Node.start(NodeRecoveryFixture.devConfig(dir).withConsistencyCheckBlocks(1), options);
        client = new NodeClient(node.url());
    }

    @AfterEach
    void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            System.setErr(stderr);
        }
    }

    @ParameterizedTest(name = "state scanned beside the block thread: {0}")
    @ValueSource(booleans = {true, false})
    void aBookThatDisagreesWithStateIsRebuiltFromStateCountedLoggedAndServedAndTheNodeStaysReady(boolean beside)
            throws Exception {
        start(beside);
        Signer alice = funded();
        Signer bob = funded();
        submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":4");
        long ask = orderId(submit(bob, "\"type\":\"place\",\"market\":1,\"side\":\"sell\",\"price\":101,\"size\":3"));
        assertThat(rebuilds()).isZero();

        // Between blocks, the book loses the ask and gains an order state never had.
        beforeNextBlock.set(() -> {
            OrderBook book = books.get(MARKET);
            List<long[]> kept = new ArrayList<>();
            book.forEachOrder((id, owner, side, price, remaining, seq) -> {
                if (id != ask) {
                    kept.add(new long[] {id, owner, side == Side.BUY ? 0 : 1, price, remaining, seq});
                }
            });
            book.clear();
            for (long[] o : kept) {
                book.restore(o[0], o[1], o[2] == 0 ? Side.BUY : Side.SELL, o[3], o[4], o[5]);
            }
            book.restore(BOGUS_ORDER, 12_345, Side.BUY, 50, 7, Long.MAX_VALUE - 1);
        });
        submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":98,\"size\":1");

        awaitRebuilds(1);
        assertThat(depth()).isEqualTo("{\"bids\":[[99,4],[98,1]],\"asks\":[[101,3]]}");
        assertThat(client.get("/health/ready").status()).isEqualTo(200);
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("book of market 1 disagreed with state")
                .contains("1 order(s) only in the book [" + BOGUS_ORDER + "]")
                .contains("1 only in state [" + ask + "]")
                .doesNotContain("still disagrees");
        assertFoundBeside(beside);

        // Trading goes on against the book state describes: a buy at 101 takes the restored ask.
        NodeClient.Response taken = submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":101,\"size\":3");
        assertThat(taken.json().path("status").asText()).as(taken.body()).isEqualTo("filled");
        assertThat(taken.json().path("fills").get(0).path("makerOrderId").asLong()).as(taken.body()).isEqualTo(ask);
        assertThat(depth()).isEqualTo("{\"bids\":[[99,4],[98,1]],\"asks\":[]}");
        assertThat(rebuilds()).as("one rebuild, and none once the book agrees").isEqualTo(1);
        assertThat(client.get("/health/ready").status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "state scanned beside the block thread: {0}")
    @ValueSource(booleans = {true, false})
    void whenStateItselfIsInconsistentTheRebuildCannotFixItAndReadinessIsWithdrawn(boolean beside) throws Exception {
        start(beside);
        Signer alice = funded();
        Signer bob = funded();
        submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":4");
        long ask = orderId(submit(bob, "\"type\":\"place\",\"market\":1,\"side\":\"sell\",\"price\":101,\"size\":3"));
        assertThat(client.get("/health/ready").status()).isEqualTo(200);

        // The cancel's block loses its index deletion: state then holds an entry for a cancelled order.
        loseNextIndexDeletion.set(true);
        NodeClient.Response cancel = submit(bob, "\"type\":\"cancel\",\"order\":" + ask);
        assertThat(cancel.json().path("status").asText()).as(cancel.body()).isEqualTo("cancelled");

        awaitRebuilds(1);
        NodeClient.Response ready = awaitReadyStatus(503);
        assertThat(ready.json().path("reason").asText()).as(ready.body())
                .contains("state of market 1 is inconsistent").contains("cancelled_order [" + ask + "]");
        assertThat(depth()).as("the book holds what the order records say rests").isEqualTo("{\"bids\":[[99,4]],\"asks\":[]}");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("still disagrees").contains("cancelled_order [" + ask + "]");
        assertFoundBeside(beside);
    }

    @Test
    void checksBesideTheBlockThreadThatPassMakeTheirBooksTheWarmSnapshotWhileTheNodeRuns() throws Exception {
        start(true);
        Signer alice = funded();
        submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":4");
        long height = client.get("/health/ready").json().path("height").asLong();
        // Every block is checked (--check-every 1): a snapshot of a height the running node reached appears.
        Path snapshot = awaitSnapshotAtOrAbove(height);
        assertThat(snapshot.getFileName().toString()).matches("books-\\d{20}\\.snap");
        assertThat(rebuilds()).isZero();
        assertThat(client.get("/health/ready").status()).isEqualTo(200);
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("could not scan state");
    }

    @Test
    void aScanBesideTheBlockThreadThatFailsIsDoneAgainOnItAndTheNodeStaysReady() throws Exception {
        start(true, true);
        Signer alice = funded();
        submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":4");
        String retried = "could not scan state beside the block thread (java.lang.IllegalStateException: a record that does"
                + " not decode); checking every market now, between blocks";
        for (int i = 0; i < 200 && !log.toString(StandardCharsets.UTF_8).contains(retried); i++) {
            submit(alice, "\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":98,\"size\":1");
            Thread.sleep(20);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains(retried);
        assertThat(client.get("/health/ready").status()).isEqualTo(200);
        assertThat(rebuilds()).as("the check on the block thread found every book agreeing").isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("found a book that disagrees");
    }

    // ---------------------------------------------------------------- helpers

    /** A warm snapshot file of {@code height} or later, within 10 s. */
    private Path awaitSnapshotAtOrAbove(long height) throws Exception {
        for (int i = 0; i < 500; i++) {
            try (var files = Files.walk(dir)) {
                Optional<Path> found = files.filter(p -> p.getFileName().toString().matches("books-\\d{20}\\.snap"))
                        .filter(p -> Long.parseLong(p.getFileName().toString().substring(6, 26)) >= height).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no book snapshot at height " + height + " or later within 10 s");
    }

    /**
     * Which check found the disagreement: the scan beside the block thread says so before the block
     * thread checks again, and its scans are timed under {@code part="beside"}.
     */
    private void assertFoundBeside(boolean beside) throws Exception {
        String found = "found a book that disagrees with state";
        Matcher scans = Pattern.compile("(?m)^dexnode_consistency_check_seconds_count\\{part=\"beside\"\\} (\\S+)$")
                .matcher(client.get("/metrics").body());
        assertThat(scans.find()).as("the beside part is exposed").isTrue();
        if (beside) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains(found);
            assertThat(Double.parseDouble(scans.group(1))).isPositive();
        } else {
            assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(found);
            assertThat(Double.parseDouble(scans.group(1))).isZero();
        }
    }

    private Signer funded() throws Exception {
        Signer s = Signer.generate();
        submit(s, "\"type\":\"deposit\",\"amount\":1000000");
        return s;
    }

    private NodeClient.Response submit(Signer s, String body) throws Exception {
        long nonce = client.lastNonce(s.account()) + 1;
        NodeClient.Response r = client.submit(s, "{\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + "," + body + "}");
        assertThat(r.ok()).as(r.body()).isTrue();
        return r;
    }

    private static long orderId(NodeClient.Response r) {
        return r.json().path("orderId").asLong();
    }

    private String depth() throws Exception {
        JsonNode d = client.get("/v1/markets/" + MARKET + "/depth").json();
        return "{\"bids\":" + d.path("bids") + ",\"asks\":" + d.path("asks") + "}";
    }

    private long rebuilds() throws Exception {
        Matcher m = Pattern.compile("(?m)^dexnode_book_rebuilds_total (\\S+)$").matcher(client.get("/metrics").body());
        assertThat(m.find()).as("dexnode_book_rebuilds_total is exposed").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    /** The check after a block runs on the producer once the block is answered: wait for it, within the test's timeout. */
    private void awaitRebuilds(long atLeast) throws Exception {
        while (rebuilds() < atLeast) {
            Thread.sleep(20);
        }
    }

    private NodeClient.Response awaitReadyStatus(int status) throws Exception {
        NodeClient.Response r = client.get("/health/ready");
        while (r.status() != status) {
            Thread.sleep(20);
            r = client.get("/health/ready");
        }
        return r;
    }

    /** Copies what is written to stderr (where the node logs) into a buffer as well. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            first.write(buf, off, len);
            second.write(buf, off, len);
        }
    }

    /**
     * The node's store as the engine sees it, which, when armed, loses the ActiveOrder deletions of
     * the next commit that has any: what a storage bug would do.
     */
    private static final class LosingStore implements StateStore {
        private final StateStore store;
        private final AtomicBoolean armed;
        /** Whether pinned views are offered, with scans that fail as a record that does not decode would; else none. */
        private final boolean brokenViews;

        LosingStore(StateStore store, AtomicBoolean armed) {
            this(store, armed, false);
        }

        LosingStore(StateStore store, AtomicBoolean armed, boolean brokenViews) {
            this.store = store;
            this.armed = armed;
            this.brokenViews = brokenViews;
        }

        @Override
        public DurableView durableView() {
            if (!brokenViews) {
                return null;
            }
            DurableView real = store.durableView();
            return new DurableView() {
                @Override
                public long version() {
                    return real.version();
                }

                @Override
                public byte[] get(byte[] key) {
                    throw new IllegalStateException("a record that does not decode");
                }

                @Override
                public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
                    throw new IllegalStateException("a record that does not decode");
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }

        private WriteSet maybeLose(WriteSet writes) {
            if (!armed.get()) {
                return writes;
            }
            WriteSet kept = new WriteSet();
            boolean[] lost = {false};
            writes.forEach((k, v) -> {
                if (v == null && k.length > 0 && k[0] == StateKey.TAG_ACTIVE_ORDER) {
                    lost[0] = true;
                } else if (v == null) {
                    kept.delete(k);
                } else {
                    kept.put(k, v);
                }
            });
            if (lost[0]) {
                armed.set(false);
                return kept;
            }
            return writes;
        }

        @Override
        public long latestVersion() {
            return store.latestVersion();
        }

        @Override
        public byte[] latestRoot() {
            return store.latestRoot();
        }

        @Override
        public byte[] rootAt(long version) {
            return store.rootAt(version);
        }

        @Override
        public byte[] commit(long version, WriteSet writes, WriteSet extras) {
            return store.commit(version, maybeLose(writes), extras);
        }

        @Override
        public PendingCommit commitPipelined(long version, WriteSet writes, WriteSet extras) {
            return store.commitPipelined(version, maybeLose(writes), extras);
        }

        @Override
        public byte[] get(byte[] key) {
            return store.get(key);
        }

        @Override
        public byte[] getDurable(byte[] key) {
            return store.getDurable(key);
        }

        @Override
        public byte[] get(byte[] key, long version) {
            return store.get(key, version);
        }

        @Override
        public List<byte[]> multiGet(List<byte[]> keys) {
            return store.multiGet(keys);
        }

        @Override
        public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
            store.scanPrefix(prefix, visitor);
        }

        @Override
        public void scanPrefixInPlace(byte[] prefix, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
            store.scanPrefixInPlace(prefix, visitor);
        }

        @Override
        public void scanRangeInPlace(byte[] from, byte[] to, BiConsumer<ByteBuffer, ByteBuffer> visitor) {
            store.scanRangeInPlace(from, to, visitor);
        }

        @Override
        public StateProof getWithProof(byte[] key, long version) {
            return store.getWithProof(key, version);
        }

        @Override
        public List<byte[]> changedKeys(long fromExclusive, long toInclusive) {
            return store.changedKeys(fromExclusive, toInclusive);
        }

        @Override
        public byte[] getExtra(byte[] key) {
            return store.getExtra(key);
        }

        @Override
        public void scanExtras(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
            store.scanExtras(prefix, visitor);
        }

        @Override
        public long oldestRetainedVersion() {
            return store.oldestRetainedVersion();
        }

        @Override
        public void close() {
            // The node closes its own store.
        }
    }
}
