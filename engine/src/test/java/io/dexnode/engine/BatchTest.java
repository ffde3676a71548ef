package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch: one account, one nonce consumed once, its actions executed in order in its block, each
 * on its own (a refused action changes nothing and the later ones still run).
 */
class BatchTest {
    private final EngineFixture f = new EngineFixture().withMarketAndMoney("alice", "bob");
    private final StateQueries q = new StateQueries(f.store);

    private static Tx.Batch batch(String account, long nonce, Tx... actions) {
        return new Tx.Batch(account, nonce, List.of(actions));
    }

    private static Tx.Place postOnly(String account, long price, long size) {
        return new Tx.Place(account, 0, BTC, BUY, price, size, TimeInForce.POST_ONLY, null, SelfTradePrevention.CANCEL_RESTING);
    }

    @Test
    void actionsRunInOrderEachWithItsOwnResult() {
        TxResult r = f.one(batch("alice", 0, gtc("alice", BUY, 99, 2),
                new Tx.Place("alice", 0, BTC, BUY, 98, 3, TimeInForce.GTC, "b", SelfTradePrevention.CANCEL_RESTING),
                gtc("alice", BUY, 97, 1), new Tx.Cancel("alice", 0, 0, "b")));
        assertThat(r.accepted()).isTrue();
        assertThat(r.actions()).hasSize(4).allMatch(TxResult::accepted);
        long first = r.actions().get(0).orderId();
        assertThat(r.actions()).extracting(TxResult::orderId).containsExactly(first, first + 1, first + 2, first + 1);
        assertThat(r.actions()).extracting(TxResult::status)
                .containsExactly(OrderStatus.ACTIVE, OrderStatus.ACTIVE, OrderStatus.ACTIVE, OrderStatus.CANCELLED);
        assertThat(f.engine.depth(BTC, 10).bids()).isDeepEqualTo(new long[][] {{99, 2}, {97, 1}});
    }

    @Test
    void aLaterActionSeesTheEarlierOnesEffects() {
        f.one(gtc("bob", SELL, 100, 5));
        TxResult r = f.one(batch("alice", 0, gtc("alice", BUY, 100, 2), new Tx.Reduce("alice", 0, 0, "missing", 1),
                new Tx.Place("alice", 0, BTC, BUY, 100, 3, TimeInForce.FOK, null, SelfTradePrevention.CANCEL_RESTING),
                new Tx.Place("alice", 0, BTC, BUY, 100, 1, TimeInForce.FOK, null, SelfTradePrevention.CANCEL_RESTING)));
        assertThat(r.actions()).extracting(TxResult::accepted).containsExactly(true, false, true, false);
        assertThat(r.actions().get(1).rejection().code()).isEqualTo(RejectCode.UNKNOWN_ORDER);
        assertThat(r.actions().get(2).fills()).hasSize(1);
        // the first two took all five: the last fill-or-kill finds nothing left
        assertThat(r.actions().get(3).rejection().code()).isEqualTo(RejectCode.FOK_NOT_FILLABLE);
        assertThat(f.engine.depth(BTC, 10).asks()).isEmpty();
    }

    @Test
    void aRefusedActionChangesNothingAndTheOnesAfterItStillRun() {
        EngineFixture plain = new EngineFixture().withMarketAndMoney("alice", "bob");
        Tx good1 = gtc("alice", BUY, 99, 2);
        Tx good2 = gtc("alice", BUY, 97, 4);
        TxResult r = f.one(batch("alice", 0, good1, gtc("alice", BUY, 0, 2), new Tx.Cancel("alice", 0, 777, null),
                postOnly("alice", 98, 1_000_000_000), good2));
        assertThat(r.actions()).extracting(TxResult::accepted).containsExactly(true, false, false, false, true);
        assertThat(r.actions().get(1).rejection().code()).isEqualTo(RejectCode.BAD_PRICE);
        assertThat(r.actions().get(2).rejection().code()).isEqualTo(RejectCode.UNKNOWN_ORDER);
        assertThat(r.actions().get(3).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        // The same block without the refused actions, and without the batch around them, gives the same state.
        plain.block(good1, good2);
        assertThat(f.store.latestRoot()).isEqualTo(plain.store.latestRoot());
    }

    @Test
    void theBatchConsumesItsNonceOnceAndAReplayRunsNothing() {
        TxResult first = f.one(batch("alice", 5, gtc("alice", BUY, 99, 1), gtc("alice", BUY, 98, 1)));
        assertThat(first.accepted()).isTrue();
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(5);
        f.assertRejectedWithoutEffect(batch("alice", 5, gtc("alice", BUY, 90, 1)), RejectCode.STALE_NONCE);
        assertThat(f.one(batch("alice", 6, gtc("alice", BUY, 90, 1))).accepted()).isTrue();
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(6);
    }

    @Test
    void aBatchWhoseActionsAreAllRefusedStillConsumesItsNonce() {
        TxResult r = f.one(batch("alice", 3, new Tx.Cancel("alice", 0, 42, null)));
        assertThat(r.accepted()).isTrue();
        assertThat(r.actions().get(0).rejection().code()).isEqualTo(RejectCode.UNKNOWN_ORDER);
        assertThat(q.accountByName("alice").lastNonce()).isEqualTo(3);
    }

    @Test
    void aBatchOfAnUnknownAccountIsRefusedWhole() {
        f.assertRejectedWithoutEffect(batch("mallory", 1, gtc("mallory", BUY, 99, 1)), RejectCode.UNKNOWN_ACCOUNT);
    }

    @Test
    void aBatchReplaysToTheSameRoot() {
        EngineFixture again = new EngineFixture().withMarketAndMoney("alice", "bob");
        for (EngineFixture e : List.of(f, again)) {
            e.one(gtc("bob", SELL, 100, 3));
            e.one(batch("alice", 1, gtc("alice", BUY, 100, 2), new Tx.CancelAll("alice", 0, BTC), gtc("alice", BUY, 101, 2)));
        }
        assertThat(f.store.latestRoot()).isEqualTo(again.store.latestRoot());
    }
}
