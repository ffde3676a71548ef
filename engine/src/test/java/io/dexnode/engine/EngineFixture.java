package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateStore;
import java.util.List;

/** An engine over an in-memory store with helpers that read like a trading session. */
final class EngineFixture {
    static final int BTC = 1;
    final StateStore store;
    final Engine engine;
    long height;

    EngineFixture() {
        this(new InMemoryStateStore());
    }

    EngineFixture(StateStore store) {
        this(store, BookFactory.STANDARD);
    }

    /** An engine whose books {@code books} makes (a test may keep them, to break one). */
    EngineFixture(StateStore store, BookFactory books) {
        this.store = store;
        this.engine = new Engine(store, EngineConfig.defaults(), books);
        engine.rebuildOrderbookFromState();
        this.height = Math.max(0, store.latestVersion());
    }

    static MarketParams btc() {
        return new MarketParams(BTC, "BTC-USD", 1, 1, 1, 2, 5, 1000, 500);
    }

    BlockResult block(Tx... txs) {
        return block(List.of(txs));
    }

    BlockResult block(List<Tx> txs) {
        height++;
        return engine.executeBlock(height, height * 1000, txs);
    }

    TxResult one(Tx tx) {
        return block(tx).results().get(0);
    }

    /** Asserts {@code tx} is rejected with {@code code} and leaves the root and BTC's book as they were. */
    void assertRejectedWithoutEffect(Tx tx, RejectCode code) {
        byte[] root = store.latestRoot();
        Depth before = engine.depth(BTC, 100);
        TxResult r = one(tx);
        assertThat(r.accepted()).as("%s is rejected", tx).isFalse();
        assertThat(r.rejection().code()).isEqualTo(code);
        assertThat(store.latestRoot()).as("state root after a rejected %s", tx.type()).isEqualTo(root);
        Depth after = engine.depth(BTC, 100);
        assertThat(after.bids()).isDeepEqualTo(before.bids());
        assertThat(after.asks()).isDeepEqualTo(before.asks());
    }

    EngineFixture withMarketAndMoney(String... accounts) {
        one(new Tx.CreateMarket(null, 0, btc()));
        for (String a : accounts) {
            one(new Tx.Deposit(a, 0, 1_000_000));
        }
        return this;
    }

    static Tx.Place gtc(String account, Side side, long price, long size) {
        return new Tx.Place(account, 0, BTC, side, price, size, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING);
    }

    static Tx.Place place(String account, Side side, long price, long size, TimeInForce tif) {
        return new Tx.Place(account, 0, BTC, side, price, size, tif, null, SelfTradePrevention.CANCEL_RESTING);
    }

    static Tx.Cancel cancel(String account, long orderId) {
        return new Tx.Cancel(account, 0, orderId, null);
    }
}
