package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.TimeInForce;
import io.dexnode.engine.recovery.PendingRepair;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.WriteSet;
import org.junit.jupiter.api.Test;

/**
 * A repair block that recovery commits at once (a standalone node's start, {@code dexnode replay},
 * {@code dexnode index rebuild}) runs its end-of-block risk pass over the recovered books and order
 * index, exactly as the same repair committed later (a cluster's deferred repair) does: the same
 * marks, the same accounts judged, the same root. It once ran before the books were installed,
 * judged an account at the index price instead of the book's mark, deleveraged it and left its
 * resting order active.
 */
class RepairBlockRiskTest {
    private long aliceAsk;

    /**
     * Alice long 100 at 1000 with 1,200 of collateral: healthy at the book's mark 1100 (bid 1100,
     * ask 1200, index 1000), below maintenance at the index alone; then erin's ask loses its index
     * entry, an inconsistency recovery repairs in a block of its own.
     */
    private InMemoryStateStore chain() {
        InMemoryStateStore store = new InMemoryStateStore();
        EngineFixture f = new EngineFixture(store);
        MarketParams m = new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 1000, 500).withRisk(0, 0, 0);
        ok(f.one(new Tx.CreateMarket(null, 0, m)));
        ok(f.one(new Tx.Deposit("alice", 0, 10_000)));
        ok(f.one(new Tx.Deposit("bob", 0, 1_000_000)));
        ok(f.one(new Tx.Deposit("dave", 0, 1_000_000)));
        ok(f.one(new Tx.Deposit("erin", 0, 1_000_000)));
        ok(f.one(new Tx.SetIndexPrice("oracle", 0, BTC, 1000)));
        ok(f.one(gtc("bob", SELL, 1000, 100)));
        ok(f.one(EngineFixture.place("alice", BUY, 1000, 100, TimeInForce.IOC)));
        long erinAsk = f.one(gtc("erin", SELL, 1200, 10)).orderId();
        ok(f.one(gtc("dave", BUY, 1100, 10)));
        aliceAsk = f.one(gtc("alice", SELL, 1300, 1)).orderId();
        ok(f.one(new Tx.Withdraw("alice", 0, 8_800)));
        StateQueries q = new StateQueries(store);
        assertThat(q.marketRisk(BTC).markPrice()).isEqualTo(1100);
        WriteSet ws = new WriteSet();
        ws.delete(new StateKey.ActiveOrder(BTC, erinAsk).encode());
        store.commit(store.latestVersion() + 1, ws, null);
        return store;
    }

    private static void ok(TxResult r) {
        assertThat(r.accepted()).as("%s: %s", r.tx(), r.rejection()).isTrue();
    }

    @Test
    void anImmediateRepairBlockJudgesAccountsOverTheRecoveredBooksAsADeferredOneDoes() {
        InMemoryStateStore immediate = chain();
        long h = immediate.latestVersion();
        Engine now = new Engine(immediate);
        RecoveryReport r1 = now.rebuildOrderbookFromState();
        assertThat(r1.repairHeight()).isEqualTo(h + 1);

        InMemoryStateStore deferred = chain();
        Engine later = new Engine(deferred);
        PendingRepair pending = later.recover(RecoveryOptions.fromState().withDeferredRepairs(true)).pendingRepair();
        assertThat(pending).isNotNull();
        later.commitRepair(pending, h + 1, 0, null); // time 0: the corrupting commit wrote no block header

        StateQueries q = new StateQueries(immediate);
        long alice = q.accountByName("alice").accountId();
        assertThat(q.marketRisk(BTC).markPrice()).as("the mark stored by the repair block").isEqualTo(1100);
        assertThat(q.position(alice, BTC).size()).as("alice, healthy at the book's mark").isEqualTo(100);
        assertThat(q.order(aliceAsk).status()).isEqualTo(OrderStatus.ACTIVE);
        assertThat(now.book(BTC).contains(aliceAsk)).isTrue();
        assertThat(immediate.latestRoot()).as("the repair block's root, immediate against deferred")
                .isEqualTo(deferred.latestRoot());
    }
}
