package io.dexnode.engine;

import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.Side;
import io.dexnode.engine.history.ArchiveBlock;
import io.dexnode.engine.history.HistoryQueries;
import io.dexnode.engine.history.HistoryQueries.OrderView;
import io.dexnode.engine.history.TradeRecord;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.ChainParamsRecord;
import io.dexnode.engine.schema.OrderRecord;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.StateProof;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finished orders leave the tree for the archive a fixed number of blocks later, findable and provable. */
class OrderArchivalTest {
    private static final int AFTER = 3;

    private final EngineFixture f = new EngineFixture();
    private final HistoryQueries history = new HistoryQueries(f.store);

    /** Block 1: the chain parameters, BTC-USD and two funded traders. */
    private void genesis(int archiveAfterBlocks) {
        f.block(new Tx.ChainParams(null, 0, archiveAfterBlocks), new Tx.CreateMarket(null, 0, EngineFixture.btc()),
                new Tx.Deposit("alice", 0, 1_000_000), new Tx.Deposit("bob", 0, 1_000_000));
    }

    private boolean inTree(long orderId) {
        return f.store.get(new StateKey.Order(orderId).encode()) != null;
    }

    @Test
    void finishedOrdersLeaveTheTreeExactlyArchiveAfterBlocksLater() {
        genesis(AFTER);
        long maker = f.one(gtc("alice", Side.BUY, 100, 5)).orderId(); // height 2
        TxResult taker = f.one(gtc("bob", Side.SELL, 100, 5)); // height 3: both finish
        assertThat(taker.status()).isEqualTo(OrderStatus.FILLED);
        long resting = f.one(gtc("alice", Side.BUY, 90, 1)).orderId(); // height 4, stays active
        f.block(); // 5
        assertThat(inTree(maker)).as("finished at 3, still in the tree at 5").isTrue();
        f.block(); // 6 = 3 + 3
        assertThat(inTree(maker)).as("archived by block 6").isFalse();
        assertThat(inTree(taker.orderId())).isFalse();
        assertThat(inTree(resting)).as("an active order never leaves").isTrue();
        for (int i = 0; i < 10; i++) {
            f.block();
        }
        assertThat(inTree(resting)).isTrue();
        assertThat(f.engine.consistencyProblem()).isNull();
    }

    @Test
    void anArchivedOrderIsFoundWithItsFinalRecordAndTheBlockThatMovedIt() {
        genesis(AFTER);
        long id = f.one(gtc("alice", Side.BUY, 100, 5)).orderId(); // 2
        f.one(EngineFixture.cancel("alice", id)); // 3
        OrderRecord last = OrderRecord.decode(f.store.get(new StateKey.Order(id).encode()));
        assertThat(last.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(history.order(id).archived()).isFalse();
        f.block();
        f.block();
        f.block(); // 6
        OrderView v = history.order(id);
        assertThat(v.archived()).isTrue();
        assertThat(v.archivedHeight()).isEqualTo(6);
        assertThat(v.order()).isEqualTo(last);
        assertThat(history.order(999)).as("an order that never existed").isNull();
    }

    @Test
    void theArchiveHeadAtAnArchivingHeightProvesExactlyWhatThatBlockMoved() {
        genesis(AFTER);
        f.one(gtc("alice", Side.BUY, 100, 5)); // 2
        f.one(gtc("bob", Side.SELL, 100, 2)); // 3: bob's order filled, alice's partly
        f.one(gtc("bob", Side.SELL, 100, 3)); // 4: alice's filled, bob's too
        f.block(); // 5
        f.block(); // 6 archives block 3's finished order
        f.block(); // 7 archives block 4's two
        byte[] headKey = new StateKey.ArchiveHead().encode();
        for (long h : new long[] {6, 7}) {
            ArchiveBlock block = history.archiveBlock(h);
            assertThat(block.verify()).as("records of block %d hash to its head", h).isTrue();
            StateProof proof = f.store.getWithProof(headKey, h);
            assertThat(proof.verify()).as("ICS23 proof of the head at %d", h).isTrue();
            assertThat(proof.root()).isEqualTo(f.store.rootAt(h));
            assertThat(ArchiveHeadRecord.decode(proof.value())).isEqualTo(block.head());
        }
        assertThat(history.archiveBlock(6).orders()).hasSize(1);
        assertThat(history.archiveBlock(7).orders()).hasSize(2);
        assertThat(history.archiveBlock(7).head().totalArchived()).isEqualTo(3);
        // A block that archived nothing: the head it proves names an earlier block.
        StateProof atFive = f.store.getWithProof(headKey, 5);
        assertThat(atFive.verify()).isTrue();
        assertThat(atFive.exists()).as("nothing archived before block 6").isFalse();
        f.block(); // 8
        ArchiveHeadRecord atEight = ArchiveHeadRecord.decode(f.store.getWithProof(headKey, 8).value());
        assertThat(atEight.height()).isEqualTo(7);
        assertThat(history.archiveBlock(8)).isNull();
        // A tampered record no longer matches.
        ArchiveBlock seven = history.archiveBlock(7);
        OrderRecord o = seven.orders().get(0);
        List<OrderRecord> tampered = new ArrayList<>(seven.orders());
        tampered.set(0, o.withStatus(OrderStatus.CANCELLED, o.updatedHeight()));
        assertThat(new ArchiveBlock(7, seven.head(), tampered).verify()).isFalse();
    }

    @Test
    void aRepairBlockArchivesWhatIsDueAndQueuesTheOrdersItFinishes() {
        genesis(2);
        long a = f.one(gtc("alice", Side.BUY, 90, 5)).orderId(); // 2: rests
        long b = f.one(gtc("alice", Side.BUY, 80, 5)).orderId(); // 3
        f.one(EngineFixture.cancel("alice", b)); // 4: b finished, due in block 6
        f.block(); // 5
        // Behind the engine's back, block 6 writes a's record with nothing remaining, its index entry kept.
        OrderRecord broken = OrderRecord.decode(f.store.get(new StateKey.Order(a).encode())).withAmend(90, 5, 0, 1, 2);
        io.dexnode.state.WriteSet tamper = new io.dexnode.state.WriteSet();
        tamper.put(new StateKey.Order(a).encode(), broken.encode());
        f.store.commit(6, tamper, null);
        EngineFixture after = new EngineFixture(f.store); // recovery repairs in block 7
        assertThat(f.store.latestVersion()).isEqualTo(7);
        assertThat(inTree(b)).as("b was due in block 6, which the tamper skipped; still queued").isTrue();
        OrderRecord repaired = OrderRecord.decode(f.store.get(new StateKey.Order(a).encode()));
        assertThat(repaired.status()).isEqualTo(OrderStatus.FILLED);
        after.block(); // 8
        assertThat(inTree(a)).isTrue();
        after.block(); // 9 = 7 + 2: the repair block's finished order leaves
        assertThat(inTree(a)).isFalse();
        assertThat(history.order(a).archivedHeight()).isEqualTo(9);
        assertThat(history.order(a).order()).isEqualTo(repaired);
    }

    @Test
    void aBlockAfterAGapInTheHeightsArchivesEveryQueueThatFellDueInTheGap() {
        genesis(AFTER);
        long a = f.one(gtc("alice", Side.BUY, 90, 5)).orderId(); // 2
        f.one(EngineFixture.cancel("alice", a)); // 3: due at 6
        long b = f.one(gtc("alice", Side.BUY, 80, 5)).orderId(); // 4
        f.one(EngineFixture.cancel("alice", b)); // 5: due at 8
        f.height = 40;
        f.block(); // 41
        assertThat(inTree(a)).isFalse();
        assertThat(inTree(b)).isFalse();
        assertThat(history.order(a).archivedHeight()).isEqualTo(41);
        assertThat(history.archiveBlock(41).orders()).extracting(OrderRecord::orderId).containsExactly(a, b);
        assertThat(history.archiveBlock(41).verify()).isTrue();
    }

    @Test
    void chainParametersAreAcceptedInBlockOneOnlyAndOnce() {
        BlockResult one = f.block(new Tx.ChainParams(null, 0, 5), new Tx.ChainParams(null, 0, 7),
                new Tx.CreateMarket(null, 0, EngineFixture.btc()));
        assertThat(one.results().get(0).accepted()).isTrue();
        assertThat(one.results().get(1).rejection().code()).as("a second in block 1").isEqualTo(RejectCode.NOT_ALLOWED);
        assertThat(ChainParamsRecord.decode(f.store.get(new StateKey.ChainParams().encode())).archiveAfterBlocks()).isEqualTo(5);
        f.assertRejectedWithoutEffect(new Tx.ChainParams(null, 0, 9), RejectCode.NOT_ALLOWED);
    }

    @Test
    void archiveAfterZeroKeepsEveryFinishedOrderInTheTree() {
        genesis(0);
        long id = f.one(gtc("alice", Side.BUY, 100, 5)).orderId();
        f.one(EngineFixture.cancel("alice", id));
        for (int i = 0; i < 20; i++) {
            f.block();
        }
        assertThat(inTree(id)).isTrue();
        assertThat(f.store.get(new StateKey.ArchiveHead().encode())).isNull();
    }

    @Test
    void withoutChainParametersFinishedOrdersLeaveAThousandBlocksLater() {
        f.block(new Tx.CreateMarket(null, 0, EngineFixture.btc()), new Tx.Deposit("alice", 0, 1_000_000));
        long id = f.one(gtc("alice", Side.BUY, 100, 5)).orderId();
        f.one(EngineFixture.cancel("alice", id)); // height 3
        while (f.height < 3 + ChainParamsRecord.DEFAULT_ARCHIVE_AFTER_BLOCKS - 1) {
            f.block();
        }
        assertThat(inTree(id)).isTrue();
        f.block();
        assertThat(inTree(id)).isFalse();
        assertThat(history.order(id).archivedHeight()).isEqualTo(1003);
    }

    @Test
    void cancelAmendAndReduceOfAnArchivedOrderAreOrderNotActiveNotUnknown() {
        genesis(1);
        long id = f.one(gtc("alice", Side.BUY, 100, 5)).orderId();
        f.one(EngineFixture.cancel("alice", id));
        f.block();
        assertThat(inTree(id)).isFalse();
        f.assertRejectedWithoutEffect(EngineFixture.cancel("alice", id), RejectCode.ORDER_NOT_ACTIVE);
        f.assertRejectedWithoutEffect(EngineFixture.cancel("bob", id), RejectCode.ORDER_NOT_ACTIVE);
        f.assertRejectedWithoutEffect(new Tx.Amend("alice", 0, id, null, 101, 0), RejectCode.ORDER_NOT_ACTIVE);
        f.assertRejectedWithoutEffect(new Tx.Reduce("alice", 0, id, null, 1), RejectCode.ORDER_NOT_ACTIVE);
        f.assertRejectedWithoutEffect(EngineFixture.cancel("alice", id + 1), RejectCode.UNKNOWN_ORDER);
    }

    @Test
    void tradesAndFillsPagesAreNewestFirstAndFollowTheirCursors() {
        genesis(AFTER);
        for (int i = 0; i < 7; i++) {
            f.block(gtc("alice", Side.BUY, 100, 2), gtc("bob", Side.SELL, 100, 1), gtc("bob", Side.SELL, 100, 1));
        }
        List<Long> tradeIds = new ArrayList<>();
        String cursor = null;
        Long before = null;
        do {
            HistoryQueries.Page<TradeRecord> page = history.marketTrades(BTC, before, 3);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            page.items().forEach(t -> tradeIds.add(t.fill().tradeId()));
            cursor = page.next();
            before = cursor == null ? null : Long.parseLong(cursor);
        } while (cursor != null);
        assertThat(tradeIds).containsExactly(14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        List<String> fills = new ArrayList<>();
        String at = null;
        do {
            HistoryQueries.Page<TradeRecord> page = history.accountFills(1, at, 4);
            page.items().forEach(t -> fills.add(t.height() + ":" + t.fill().tradeId()));
            at = page.next();
        } while (at != null);
        assertThat(fills).hasSize(14);
        assertThat(fills.get(0)).isEqualTo("8:14");
        assertThat(fills.get(13)).isEqualTo("2:1");
        assertThat(history.marketTrades(BTC, 1L, 10).items()).isEmpty();
    }

    @Test
    void anAccountsOrderPagesMixLiveAndArchivedOrdersNewestFirst() {
        genesis(1);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(f.one(gtc("alice", Side.BUY, 90 + i, 1)).orderId());
        }
        f.one(EngineFixture.cancel("alice", ids.get(1)));
        f.one(EngineFixture.cancel("alice", ids.get(4)));
        f.block();
        assertThat(inTree(ids.get(1))).isFalse();
        List<Long> all = new ArrayList<>();
        Long before = null;
        do {
            HistoryQueries.Page<OrderView> page = history.accountOrders(1, null, before, 4);
            page.items().forEach(v -> all.add(v.order().orderId()));
            before = page.next() == null ? null : Long.parseLong(page.next());
        } while (before != null);
        assertThat(all).containsExactly(ids.get(5), ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        List<OrderView> cancelled = history.accountOrders(1, OrderStatus.CANCELLED, null, 10).items();
        assertThat(cancelled).extracting(v -> v.order().orderId()).containsExactly(ids.get(4), ids.get(1));
        assertThat(cancelled).allMatch(OrderView::archived);
        assertThat(history.accountOrders(1, OrderStatus.ACTIVE, null, 10).items()).extracting(v -> v.order().orderId())
                .containsExactly(ids.get(5), ids.get(3), ids.get(2), ids.get(0));
        assertThat(history.accountOrders(1, OrderStatus.FILLED, null, 10).items()).isEmpty();
        assertThat(history.accountOrders(1, OrderStatus.ACTIVE, ids.get(2), 10).items()).extracting(v -> v.order().orderId())
                .containsExactly(ids.get(0));
    }
}
