package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.book.OrderBook;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.recovery.BookMismatch;
import io.dexnode.engine.recovery.BookRebuild;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.BookVerifier;
import io.dexnode.engine.recovery.RecoveryReport.Inconsistency;
import io.dexnode.engine.schema.ActiveOrderEntry;
import io.dexnode.engine.schema.CountersRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import io.dexnode.state.WriteSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rebuilding one market's book from committed state: a book that lost, gained or changed orders
 * is replaced by what state says rests, the differences are reported by order id, nothing is
 * written, and trading goes on as state says. State that contradicts itself is reported, not
 * repaired, and the book still disagrees with the index.
 */
class BookRebuildFromStateTest {
    private static final int ETH = 2;

    private final Map<Integer, OrderBook> books = new HashMap<>();
    private final InvariantChecker invariants = new InvariantChecker();
    private InMemoryStateStore store;
    private EngineFixture f;
    private long bid;
    private long ask;

    @BeforeEach
    void tradeABit() {
        store = new InMemoryStateStore();
        f = new EngineFixture(store, (market, events, expected) -> {
            OrderBook book = BookFactory.STANDARD.create(market, events, expected);
            books.put(market.marketId(), book);
            return book;
        });
        f.one(new Tx.CreateMarket(null, 0, EngineFixture.btc()));
        f.one(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500)));
        invariants.observe(f.block(new Tx.Deposit("alice", 0, 1_000_000), new Tx.Deposit("bob", 0, 1_000_000)));
        bid = f.one(gtc("alice", BUY, 99, 5)).orderId();
        ask = f.one(gtc("bob", SELL, 101, 5)).orderId();
        f.one(new Tx.Place("alice", 0, ETH, BUY, 50, 2, TimeInForce.GTC, "e1", SelfTradePrevention.CANCEL_RESTING));
        assertThat(f.engine.bookMismatches()).isEmpty();
    }

    @Test
    void aBookThatLostOneOrderAndGainedAnotherIsRebuiltAsStateSaysAndTradesOn() {
        long alice = f.engine.book(BTC).owner(bid);
        OrderBook btc = btcWithTheBidOnly(4); // a size state does not have; the ask is gone
        btc.restore(777, 9, BUY, 90, 3, 99); // an order state does not have
        long rootBefore = store.latestVersion();

        List<BookMismatch> mismatches = f.engine.bookMismatches();
        assertThat(mismatches).extracting(BookMismatch::marketId).containsExactly(BTC);
        BookRebuild r = f.engine.rebuildBookFromState(BTC);

        assertThat(r.onlyInBook()).containsExactly(777L);
        assertThat(r.onlyInState()).containsExactly(ask);
        assertThat(r.differing()).containsExactly(bid);
        assertThat(r.fixed()).isTrue();
        assertThat(r.stateConsistent()).isTrue();
        assertThat(store.latestVersion()).as("a rebuild writes nothing").isEqualTo(rootBefore);
        assertThat(f.engine.consistencyProblem()).isNull();
        assertThat(f.engine.depth(BTC, 5).bids()).isDeepEqualTo(new long[][] {{99, 5}});
        assertThat(f.engine.depth(BTC, 5).asks()).isDeepEqualTo(new long[][] {{101, 5}});
        assertThat(f.engine.openOrders(alice, BTC)).isEqualTo(1);

        TxResult taken = f.one(gtc("alice", BUY, 101, 2));
        assertThat(taken.fills()).singleElement().satisfies(fill -> assertThat(fill.makerOrderId()).isEqualTo(ask));
        invariants.check(f.engine, store);
    }

    @Test
    void onlyTheMarketThatDisagreesIsRebuiltAndTheOthersKeepTheirOrders() {
        books.get(ETH).clear();
        assertThat(f.engine.bookMismatches()).extracting(BookMismatch::marketId).containsExactly(ETH);
        BookRebuild r = f.engine.rebuildBookFromState(ETH);
        assertThat(r.onlyInState()).hasSize(1);
        assertThat(r.fixed()).isTrue();
        assertThat(f.engine.clientOrderIdOf(r.onlyInState().get(0))).isEqualTo("e1");
        assertThat(f.engine.book(BTC).orderCount()).isEqualTo(2);
        assertThat(f.engine.consistencyProblem()).isNull();
        // The client order id names the restored order again: cancel by it.
        TxResult cancelled = f.one(new Tx.Cancel("alice", 0, 0, "e1"));
        assertThat(cancelled.accepted()).as("%s", cancelled.rejection()).isTrue();
        invariants.check(f.engine, store);
    }

    @Test
    void stateThatContradictsItselfIsReportedNotRepairedAndTheBookStillDisagrees() {
        WriteSet ws = new WriteSet();
        ws.put(new StateKey.ActiveOrder(BTC, 4242).encode(), new ActiveOrderEntry(1, 1).encode());
        store.commit(store.latestVersion() + 1, ws, null);
        long height = store.latestVersion();

        assertThat(f.engine.bookMismatches()).extracting(BookMismatch::marketId).containsExactly(BTC);
        BookRebuild r = f.engine.rebuildBookFromState(BTC);

        assertThat(r.stateInconsistencies()).containsOnlyKeys(Inconsistency.MISSING_ORDER);
        assertThat(r.stateInconsistencies().get(Inconsistency.MISSING_ORDER)).containsExactly(4242L);
        assertThat(r.stateProblem()).isEqualTo("missing_order [4242]");
        assertThat(r.fixed()).isFalse();
        assertThat(r.onlyInBook()).isEmpty();
        assertThat(r.onlyInState()).isEmpty();
        assertThat(store.latestVersion()).as("nothing is repaired").isEqualTo(height);
        assertThat(f.engine.consistencyProblem()).contains("market " + BTC);
        assertThat(f.engine.depth(BTC, 5).bids()).isDeepEqualTo(new long[][] {{99, 5}});
    }

    // ---- the same check on captured books against a pinned view (the node's background check)

    @Test
    void capturedBooksAgreeWithAPinnedViewAndAreCheckedAsTheyWereWhenCaptured() {
        BookSnapshotWriter.Captured captured = BookSnapshotWriter.capture(f.engine);
        assertThat(captured.marketIds()).containsExactly(BTC, ETH);
        try (StateStore.DurableView view = store.durableView()) {
            assertThat(BookVerifier.capturedProblem(captured, view)).isNull();
            // The live books change afterwards and trading goes on: the capture and the view still show their height.
            books.get(ETH).clear();
            f.one(gtc("alice", BUY, 98, 1));
            assertThat(BookVerifier.capturedProblem(captured, view)).isNull();
        }
    }

    @Test
    void aCapturedBookThatDisagreesWithItsIndexIsNamedWithBothCounts() {
        btcWithTheBidOnly(5); // the ask is gone
        BookSnapshotWriter.Captured captured = BookSnapshotWriter.capture(f.engine);
        try (StateStore.DurableView view = store.durableView()) {
            assertThat(BookVerifier.capturedProblem(captured, view))
                    .startsWith("market " + BTC + ": book has 1 orders").contains("index has 2");
        }
    }

    @Test
    void capturedBooksHoldingFewerOrdersThanStateCountsAsRestingAreAProblem() {
        BookSnapshotWriter.Captured captured = BookSnapshotWriter.capture(f.engine);
        // State's resting count says one order more than every index (and book) holds.
        CountersRecord counters = CountersRecord.decode(store.get(new StateKey.Counters().encode()));
        WriteSet ws = new WriteSet();
        ws.put(new StateKey.Counters().encode(), counters.withActiveOrders(counters.activeOrders() + 1).encode());
        store.commit(store.latestVersion() + 1, ws, null);
        try (StateStore.DurableView view = store.durableView()) {
            BookSnapshotWriter.Captured sameBooksAtTheViewsHeight = new BookSnapshotWriter.Captured(view.version(),
                    captured.root(), captured.payload(), captured.marketIds(), captured.digests());
            assertThat(BookVerifier.capturedProblem(sameBooksAtTheViewsHeight, view))
                    .isEqualTo("books hold 3 orders but state counts 4 resting (an Active order may have lost its index entry)");
            assertThatThrownBy(() -> BookVerifier.capturedProblem(captured, view))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("captured at height " + captured.version());
        }
    }

    /** Empties the BTC book and puts the bid back with {@code size} (the ask is gone); returns the book. */
    private OrderBook btcWithTheBidOnly(long size) {
        long owner = f.engine.book(BTC).owner(bid);
        long seq = f.engine.book(BTC).prioritySeq(bid);
        OrderBook btc = books.get(BTC);
        btc.clear();
        btc.restore(bid, owner, BUY, 99, size, seq);
        return btc;
    }
}
