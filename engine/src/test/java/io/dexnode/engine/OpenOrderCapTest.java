package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.cancel;
import static io.dexnode.engine.EngineFixture.gtc;
import static io.dexnode.engine.EngineFixture.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport.Method;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.RejectedException;
import io.dexnode.engine.tx.Tx;
import io.dexnode.engine.tx.TxJson;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-account, per-market cap on resting orders ({@link MarketParams#maxOpenOrders}): what
 * counts against it, what it refuses, what it lets through, and that it is judged the same after
 * a restart.
 */
class OpenOrderCapTest {
    private static final int ETH = 2;
    private static final int CAP = 3;

    @TempDir
    Path tmp;

    private EngineFixture f = new EngineFixture();
    private StateQueries q = new StateQueries(f.store);

    OpenOrderCapTest() {
        setUp(f);
    }

    private static void setUp(EngineFixture f) {
        f.one(new Tx.CreateMarket(null, 0, EngineFixture.btc().withMaxOpenOrders(CAP)));
        f.one(new Tx.CreateMarket(null, 0, new MarketParams(ETH, "ETH-USD", 1, 1, 1, 0, 0, 1000, 500, CAP)));
        f.one(new Tx.Deposit("alice", 0, 1_000_000));
        f.one(new Tx.Deposit("bob", 0, 1_000_000));
    }

    private long alice() {
        return q.accountByName("alice").accountId();
    }

    /** Alice's bids at 90, 91, 92 (size 2 each): she is at the cap in BTC-USD. */
    private List<Long> aliceAtTheCap() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            TxResult r = f.one(gtc("alice", BUY, 90 + i, 2));
            assertThat(r.status()).isEqualTo(OrderStatus.ACTIVE);
            ids.add(r.orderId());
        }
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP);
        return ids;
    }

    private static Tx.Place tif(String account, int market, Side side, long price, long size, TimeInForce tif) {
        return new Tx.Place(account, 0, market, side, price, size, tif, null, SelfTradePrevention.CANCEL_RESTING);
    }

    @Test
    void aPlaceThatWouldRestBeyondTheCapIsRefusedAsTooManyOrdersAndChangesNothing() {
        aliceAtTheCap();
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 93, 1), RejectCode.TOO_MANY_ORDERS);
        f.assertRejectedWithoutEffect(place("alice", BUY, 80, 1, TimeInForce.POST_ONLY), RejectCode.TOO_MANY_ORDERS);
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP);
    }

    @Test
    void anotherAccountIsNotLimitedByAnAccountAtTheCap() {
        aliceAtTheCap();
        for (int i = 0; i < CAP; i++) {
            assertThat(f.one(gtc("bob", SELL, 110 + i, 1)).status()).isEqualTo(OrderStatus.ACTIVE);
        }
        assertThat(f.engine.openOrders(q.accountByName("bob").accountId(), BTC)).isEqualTo(CAP);
    }

    @Test
    void aCancelMakesRoomForOneMoreOrder() {
        List<Long> ids = aliceAtTheCap();
        assertThat(f.one(cancel("alice", ids.get(1))).accepted()).isTrue();
        assertThat(f.one(gtc("alice", BUY, 85, 1)).status()).isEqualTo(OrderStatus.ACTIVE);
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 86, 1), RejectCode.TOO_MANY_ORDERS);
    }

    @Test
    void cancelAllInTheMarketMakesRoomForTheCapAgain() {
        aliceAtTheCap();
        assertThat(f.one(new Tx.CancelAll("alice", 0, BTC)).remaining()).as("cancelled").isEqualTo(CAP);
        assertThat(f.engine.openOrders(alice(), BTC)).isZero();
        aliceAtTheCap();
    }

    @Test
    void aFillThatEndsARestingOrderMakesRoomButAPartialFillDoesNot() {
        aliceAtTheCap();
        assertThat(f.one(gtc("bob", SELL, 92, 1)).fills()).hasSize(1);
        assertThat(f.engine.openOrders(alice(), BTC)).as("the bid at 92 is partly filled and still rests").isEqualTo(CAP);
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 93, 1), RejectCode.TOO_MANY_ORDERS);
        assertThat(f.one(gtc("bob", SELL, 92, 1)).fills()).hasSize(1);
        assertThat(f.engine.openOrders(alice(), BTC)).as("the bid at 92 is filled").isEqualTo(CAP - 1);
        assertThat(f.one(gtc("alice", BUY, 93, 1)).status()).isEqualTo(OrderStatus.ACTIVE);
    }

    @Test
    void iocAndFokOrdersAreAcceptedAtTheCapAndNeverCount() {
        aliceAtTheCap();
        f.one(gtc("bob", SELL, 100, 3));
        TxResult ioc = f.one(place("alice", BUY, 100, 1, TimeInForce.IOC));
        assertThat(ioc.status()).isEqualTo(OrderStatus.FILLED);
        TxResult fok = f.one(place("alice", BUY, 100, 1, TimeInForce.FOK));
        assertThat(fok.status()).isEqualTo(OrderStatus.FILLED);
        TxResult iocWithRemainder = f.one(place("alice", BUY, 100, 5, TimeInForce.IOC));
        assertThat(iocWithRemainder.accepted()).isTrue();
        assertThat(iocWithRemainder.fills()).hasSize(1);
        assertThat(iocWithRemainder.status()).as("the remainder never rests").isEqualTo(OrderStatus.CANCELLED);
        TxResult iocThatMisses = f.one(place("alice", BUY, 95, 1, TimeInForce.IOC));
        assertThat(iocThatMisses.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP);
    }

    @Test
    void aGtcOrderThatFillsCompletelyOnEntryIsAcceptedAtTheCap() {
        aliceAtTheCap();
        f.one(gtc("bob", SELL, 100, 2));
        f.one(gtc("bob", SELL, 101, 2));
        TxResult r = f.one(gtc("alice", BUY, 101, 3));
        assertThat(r.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(r.fills()).hasSize(2);
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP);
    }

    @Test
    void atTheCapAGtcOrderWhoseRemainderWouldRestIsRefusedWholeWithoutTrading() {
        aliceAtTheCap();
        f.one(gtc("bob", SELL, 100, 1));
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 100, 2), RejectCode.TOO_MANY_ORDERS);
        assertThat(f.engine.depth(BTC, 10).asks()).as("bob's ask did not trade").isDeepEqualTo(new long[][] {{100, 1}});
    }

    @Test
    void amendAndReduceAtTheCapAreAcceptedAsTheyAddNoOrder() {
        List<Long> ids = aliceAtTheCap();
        TxResult moved = f.one(new Tx.Amend("alice", 0, ids.get(0), null, 80, 4));
        assertThat(moved.status()).isEqualTo(OrderStatus.ACTIVE);
        TxResult reduced = f.one(new Tx.Reduce("alice", 0, ids.get(1), null, 1));
        assertThat(reduced.status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP);
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 93, 1), RejectCode.TOO_MANY_ORDERS);
        // An amend that crosses and fills completely takes the order out of the book: room again.
        f.one(gtc("bob", SELL, 100, 2));
        assertThat(f.one(new Tx.Amend("alice", 0, ids.get(2), null, 100, 2)).status()).isEqualTo(OrderStatus.FILLED);
        assertThat(f.engine.openOrders(alice(), BTC)).isEqualTo(CAP - 1);
        assertThat(f.one(gtc("alice", BUY, 93, 1)).status()).isEqualTo(OrderStatus.ACTIVE);
    }

    @Test
    void theCapCountsEachMarketOnItsOwn() {
        aliceAtTheCap();
        for (int i = 0; i < CAP; i++) {
            assertThat(f.one(tif("alice", ETH, BUY, 50 + i, 1, TimeInForce.GTC)).status()).isEqualTo(OrderStatus.ACTIVE);
        }
        assertThat(f.one(tif("alice", ETH, BUY, 60, 1, TimeInForce.GTC)).rejection().code())
                .isEqualTo(RejectCode.TOO_MANY_ORDERS);
        assertThat(f.engine.openOrders(alice(), ETH)).isEqualTo(CAP);
        f.one(new Tx.CancelAll("alice", 0, ETH));
        assertThat(f.engine.openOrders(alice(), ETH)).isZero();
        assertThat(f.engine.openOrders(alice(), BTC)).as("untouched by ETH-USD's cancel_all").isEqualTo(CAP);
        f.assertRejectedWithoutEffect(gtc("alice", BUY, 93, 1), RejectCode.TOO_MANY_ORDERS);
    }

    @Test
    void aCreateMarketWithoutMaxOpenOrdersTakesTheDefaultOfAThousand() {
        Tx tx = TxJson.parse("{\"type\":\"create_market\",\"market\":3,\"symbol\":\"SOL-USD\",\"tickSize\":1,\"lotSize\":1,"
                + "\"minSize\":1,\"makerFeeBps\":0,\"takerFeeBps\":0,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500}");
        assertThat(((Tx.CreateMarket) tx).params().maxOpenOrders()).isEqualTo(MarketParams.DEFAULT_MAX_OPEN_ORDERS).isEqualTo(1_000);
        assertThat(f.one(tx).accepted()).isTrue();
        assertThat(q.market(3).maxOpenOrders()).isEqualTo(1_000);
        List<Tx> thousand = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            thousand.add(tif("alice", 3, BUY, 100, 1, TimeInForce.GTC));
        }
        assertThat(f.block(thousand).results()).allMatch(TxResult::accepted);
        assertThat(f.engine.openOrders(alice(), 3)).isEqualTo(1_000);
        assertThat(f.one(tif("alice", 3, BUY, 100, 1, TimeInForce.GTC)).rejection().code()).isEqualTo(RejectCode.TOO_MANY_ORDERS);
    }

    @Test
    void aCreateMarketWithItsCapOutOfRangeIsRefusedAsAnInvalidMarket() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE, MarketParams.MAX_OPEN_ORDERS_LIMIT + 1, Integer.MAX_VALUE}) {
            TxResult r = f.one(new Tx.CreateMarket(null, 0, new MarketParams(3, "SOL-USD", 1, 1, 1, 0, 0, 1000, 500, bad)));
            assertThat(r.accepted()).as("maxOpenOrders %d", bad).isFalse();
            assertThat(r.rejection().code()).isEqualTo(RejectCode.INVALID_MARKET);
        }
        assertThat(q.market(3)).isNull();
        assertThat(f.one(new Tx.CreateMarket(null, 0, new MarketParams(3, "SOL-USD", 1, 1, 1, 0, 0, 1000, 500, 1))).accepted()).isTrue();
        assertThat(f.one(new Tx.CreateMarket(null, 0, new MarketParams(4, "ADA-USD", 1, 1, 1, 0, 0, 1000, 500,
                MarketParams.MAX_OPEN_ORDERS_LIMIT))).accepted()).isTrue();
        assertThat(q.market(4).maxOpenOrders()).isEqualTo(1_000_000);
        // In JSON: any 32-bit integer reaches the engine's range check; anything else is malformed.
        String json = "{\"type\":\"create_market\",\"market\":5,\"symbol\":\"X\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,"
                + "\"makerFeeBps\":0,\"takerFeeBps\":0,\"initialMarginBps\":1000,\"maintenanceMarginBps\":500,\"maxOpenOrders\":";
        assertThat(f.one(TxJson.parse(json + "0}")).rejection().code()).isEqualTo(RejectCode.INVALID_MARKET);
        assertThat(((Tx.CreateMarket) TxJson.parse(json + "7}")).params().maxOpenOrders()).isEqualTo(7);
        for (String bad : List.of("4294967296}", "1.5}", "\"10\"}")) {
            assertThatThrownBy(() -> TxJson.parse(json + bad)).isInstanceOfSatisfying(RejectedException.class,
                    e -> assertThat(e.rejection().code()).isEqualTo(RejectCode.MALFORMED));
        }
    }

    @Test
    void theCountIsRebuiltFromStateSoTheCapHoldsAcrossARestart() {
        List<Long> ids = aliceAtTheCap();
        Engine restarted = new Engine(f.store);
        assertThat(restarted.rebuildOrderbookFromState().clean()).isTrue();
        assertThat(restarted.openOrders(alice(), BTC)).isEqualTo(CAP);
        assertThat(DeterminismTest.l3(restarted.book(BTC))).isEqualTo(DeterminismTest.l3(f.engine.book(BTC)));
        long h = f.height;
        BlockResult refused = restarted.executeBlock(++h, h * 1000, List.of(gtc("alice", BUY, 93, 1)));
        assertThat(refused.results().get(0).rejection().code()).isEqualTo(RejectCode.TOO_MANY_ORDERS);
        BlockResult room = restarted.executeBlock(++h, h * 1000, List.of(cancel("alice", ids.get(0)), gtc("alice", BUY, 93, 1)));
        assertThat(room.results()).allMatch(TxResult::accepted);
        assertThat(restarted.openOrders(alice(), BTC)).isEqualTo(CAP);
    }

    @Test
    void theCountIsRebuiltFromAWarmSnapshotCaughtUpIncrementally() {
        StateConfig cfg = StateConfig.defaults().withFsync(false);
        Path data = tmp.resolve("data");
        Path snaps = tmp.resolve("snapshots");
        long aliceId;
        try (StateManager store = StateManager.open(data, cfg)) {
            f = new EngineFixture(store);
            q = new StateQueries(store);
            setUp(f);
            aliceId = alice();
            f.one(gtc("alice", BUY, 90, 1));
            BookSnapshotWriter.write(f.engine, snaps);
            f.one(gtc("alice", BUY, 91, 1));
            f.one(tif("alice", ETH, SELL, 200, 1, TimeInForce.GTC));
        }
        try (StateManager store = StateManager.open(data, cfg)) {
            Engine engine = new Engine(store);
            assertThat(engine.recover(RecoveryOptions.fromState().withSnapshots(snaps)).method())
                    .isEqualTo(Method.SNAPSHOT_INCREMENTAL);
            assertThat(engine.openOrders(aliceId, BTC)).isEqualTo(2);
            assertThat(engine.openOrders(aliceId, ETH)).isEqualTo(1);
            long h = store.latestVersion();
            List<TxResult> results = engine.executeBlock(h + 1, (h + 1) * 1000, List.of(gtc("alice", BUY, 92, 1),
                    gtc("alice", BUY, 93, 1))).results();
            assertThat(results.get(0).accepted()).isTrue();
            assertThat(results.get(1).rejection().code()).isEqualTo(RejectCode.TOO_MANY_ORDERS);
        }
    }
}
