package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.Side;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transactions with values at the edge of {@code long} (DESIGN.md §3–§4: integer overflow is a
 * rejection, never a wrap and never a halt). Each test drives a sequence that, before the fix it
 * names, made a fill's arithmetic overflow after the book had changed, which halts the node: any
 * client could stop it. Now the transaction that would overflow is refused up front with a typed
 * rejection, nothing else changes, and the invariants hold.
 */
class ExtremeValuesTest {
    private static final long MAX = Long.MAX_VALUE;
    /** The largest notional one order may have (price × size × 10 000 must fit in a long). */
    private static final long MAX_NOTIONAL = MAX / 10_000;
    private static final int M = 1;

    private final InMemoryStateStore store = new InMemoryStateStore();
    private final Engine engine = new Engine(store);
    private final InvariantChecker checker = new InvariantChecker();
    private final StateQueries q = new StateQueries(store);
    private final List<TxResult> rejected = new ArrayList<>();
    private long height;

    ExtremeValuesTest() {
        engine.rebuildOrderbookFromState();
    }

    private static MarketParams market(int makerFeeBps, int takerFeeBps, int initialMarginBps) {
        return new MarketParams(M, "X-USD", 1, 1, 1, makerFeeBps, takerFeeBps, initialMarginBps, initialMarginBps);
    }

    /** Executes one block; the engine must not halt, and the invariants must hold after it. */
    private BlockResult run(List<Tx> txs) {
        height++;
        BlockResult r;
        try {
            r = engine.executeBlock(height, height, txs);
        } catch (EngineHaltedException e) {
            throw new AssertionError("the engine halted on user transactions at block " + height + ": " + e.getMessage(), e);
        }
        checker.observe(r);
        for (TxResult t : r.results()) {
            if (!t.accepted()) {
                assertThat(t.rejection().code()).isNotNull();
                assertThat(t.rejection().message()).isNotBlank();
                rejected.add(t);
            }
        }
        return r;
    }

    private BlockResult run(Tx... txs) {
        return run(List.of(txs));
    }

    private TxResult one(Tx tx) {
        return run(tx).results().get(0);
    }

    private void checkInvariants() {
        checker.check(engine, store);
        assertThat(engine.consistencyProblem()).isNull();
    }

    private static Tx.Place gtc(String who, Side side, long price, long size) {
        return new Tx.Place(who, 0, M, side, price, size, TimeInForce.GTC, null, SelfTradePrevention.CANCEL_RESTING);
    }

    private static Tx.Deposit deposit(String who, long amount) {
        return new Tx.Deposit(who, 0, amount);
    }

    private AccountRecord account(String name) {
        return q.accountByName(name);
    }

    /** Asserts that some transaction was refused as OVERFLOW with a message naming {@code what}. */
    private void assertSomeRefusedAsOverflow(String what) {
        assertThat(rejected).as("rejections").anySatisfy(t -> {
            assertThat(t.rejection().code()).isEqualTo(RejectCode.OVERFLOW);
            assertThat(t.rejection().message()).contains(what);
        });
    }

    // ---------------------------------------------------------------- collateral

    @Test
    void makerGainThatWouldTakeCollateralPastLongMaxIsRefusedAsOverflow() {
        run(new Tx.CreateMarket(null, 0, market(0, 0, 1000)), deposit("alice", 1_000_000), deposit("bob", 1_000_000));
        run(gtc("alice", SELL, 1000, 1), gtc("bob", BUY, 1000, 1)); // alice short 1 at 1000
        // Topping alice up to Long.MAX_VALUE, then resting a bid that closes her short at a gain of
        // 999: bob's sell into it made her collateral overflow inside the fill.
        run(deposit("alice", MAX - account("alice").collateral()));
        run(gtc("alice", BUY, 1, 1));
        run(gtc("bob", SELL, 1, 1));

        assertSomeRefusedAsOverflow("deposit would let the account's balance");
        assertThat(account("alice").collateral()).as("alice's gain of 999 landed").isEqualTo(1_000_999);
        assertThat(engine.isHalted()).isFalse();
        checkInvariants();
    }

    // ---------------------------------------------------------------- a sell below the best bid

    @Test
    void sellLimitedFarBelowTheBestBidNeedsMarginForTheFillsAtTheBid() {
        run(new Tx.CreateMarket(null, 0, market(2, 5, 1000)), deposit("alice", 10_000_000), deposit("bob", 20));
        run(gtc("alice", BUY, 1000, 100));
        // Bob's 20 cannot carry a short of 100 at 1000 (margin 10 000, fee 50); his limit of 1 only
        // bounds how low he sells, the fills happen at alice's 1000.
        TxResult sell = one(gtc("bob", SELL, 1, 100));

        assertThat(sell.accepted()).as("%s", sell.rejection()).isFalse();
        assertThat(sell.rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(q.position(account("bob").accountId(), M).size()).isZero();
        checkInvariants();
    }

    @Test
    void sellSweepingBidsWorthMoreThanLongMaxIsRefusedInsteadOfOverflowingTheSellersBasis() {
        List<String> makers = List.of("m0", "m1", "m2", "m3");
        List<Tx> txs = new ArrayList<>();
        // Each maker rests 2,500 bids: more than the default cap on an account's resting orders.
        txs.add(new Tx.CreateMarket(null, 0, market(0, 0, 1).withMaxOpenOrders(MarketParams.MAX_OPEN_ORDERS_LIMIT)));
        makers.forEach(m -> txs.add(deposit(m, 1_000_000_000_000_000L)));
        txs.add(deposit("bob", 1_000_000_000_000L));
        run(txs);
        txs.clear();
        long price = 1 << 20;
        long size = MAX_NOTIONAL / price;
        // 10 002 bids of the largest notional an order may have: together worth more than Long.MAX_VALUE.
        int bids = 10_002;
        for (int i = 0; i < bids; i++) {
            txs.add(gtc(makers.get(i % makers.size()), BUY, price, size));
            if (txs.size() == 2000) {
                run(txs);
                txs.clear();
            }
        }
        run(txs);
        assertThat(engine.book(M).orderCount()).isEqualTo(bids);
        // Bob's sell is limited at 1, so its notional at its limit is small; its fills are at 2^20.
        byte[] root = store.latestRoot();
        TxResult sell = one(gtc("bob", SELL, 1, size * bids));

        assertThat(sell.accepted()).isFalse();
        assertThat(sell.rejection().code()).isEqualTo(RejectCode.OVERFLOW);
        assertThat(sell.rejection().message()).contains("size × the best bid is too large");
        assertThat(engine.book(M).orderCount()).as("the bids are untouched").isEqualTo(bids);
        assertThat(store.latestRoot()).as("state root after the refused sell").isEqualTo(root);
        checkInvariants();
    }

    // ---------------------------------------------------------------- strings

    @Test
    void clientOrderIdWithAnUnpairedSurrogateIsMalformedSoARestartJudgesItTheSame() {
        run(new Tx.CreateMarket(null, 0, market(0, 0, 1000)), deposit("alice", 1_000_000));
        // Stored as UTF-8, an unpaired U+D800 became "?": the running node refused a second order with the same
        // id as a duplicate, a restarted one (index rebuilt from state) accepted it.
        Tx.Place first = new Tx.Place("alice", 0, M, BUY, 10, 1, TimeInForce.GTC, "x\ud800", SelfTradePrevention.CANCEL_RESTING);
        TxResult r = one(first);

        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().code()).isEqualTo(RejectCode.MALFORMED);
        assertThat(one(new Tx.Place("alice", 0, M, BUY, 10, 1, TimeInForce.GTC, "x\ud83d\ude00",
                SelfTradePrevention.CANCEL_RESTING)).accepted()).as("a surrogate pair is fine").isTrue();
        checkInvariants();
    }

    // ---------------------------------------------------------------- accumulations over many fills

    @Test
    void feesPastLongMaxInTheFeeAccountAreRefusedAsOverflow() {
        // 100 % maker and taker fees: each fill of the largest notional n moves 2n to the fee
        // account, which overflows after about 5 000 such fills.
        run(new Tx.CreateMarket(null, 0, market(10_000, 10_000, 1)));
        long price = 1 << 20;
        long size = MAX_NOTIONAL / price;
        long notional = price * size;
        List<Tx> txs = new ArrayList<>();
        for (int round = 0; round < 2600; round++) {
            // Every fill costs each side n in fees: top both up by that before they trade.
            txs.add(deposit("alice", 2 * notional + 1));
            txs.add(deposit("bob", 2 * notional + 1));
            txs.add(gtc("bob", SELL, price, size));
            txs.add(gtc("alice", BUY, price, size));
            txs.add(gtc("alice", SELL, price, size));
            txs.add(gtc("bob", BUY, price, size));
            if (txs.size() >= 1200) {
                run(txs);
                txs.clear();
            }
        }
        run(txs);

        assertSomeRefusedAsOverflow("the fee account's balance would overflow");
        assertThat(account(Engine.FEE_ACCOUNT_NAME).collateral()).isPositive();
        checkInvariants();
    }

    @Test
    void marketVolumePastLongMaxIsRefusedAsOverflow() {
        // Price 1 allows the largest size; volume (in base units) overflows after 10 000 such fills.
        run(new Tx.CreateMarket(null, 0, market(0, 0, 1)), deposit("alice", 1_000_000_000_000L), deposit("bob", 1_000_000_000_000L));
        long size = MAX_NOTIONAL;
        List<Tx> txs = new ArrayList<>();
        for (int round = 0; round < 5100; round++) {
            txs.add(gtc("alice", BUY, 1, size));
            txs.add(gtc("bob", SELL, 1, size));
            txs.add(gtc("alice", SELL, 1, size));
            txs.add(gtc("bob", BUY, 1, size));
            if (txs.size() >= 1200) {
                run(txs);
                txs.clear();
            }
        }
        run(txs);

        assertSomeRefusedAsOverflow("the market's traded volume would overflow");
        assertThat(q.marketStats(M).volume()).isPositive();
        checkInvariants();
    }

    @Test
    void makerEntryNotionalPastLongMaxIsRefusedAsOverflow() {
        // Alice buys at 2^20 while the mark sits at 2^19 (carol and dave trade there): her margin
        // is checked at the mark, so her bids keep being accepted while her entry notional (the
        // cost of what she bought) climbs to Long.MAX_VALUE; each bid is filled by a different seller.
        run(new Tx.CreateMarket(null, 0, market(0, 0, 1)),
                deposit("alice", MAX / 10 * 6), deposit("carol", 1_000_000_000L), deposit("dave", 1_000_000_000L));
        long price = 1 << 20;
        long size = MAX_NOTIONAL / price;
        List<Tx> txs = new ArrayList<>();
        for (int round = 0; round < 10_100; round++) {
            String seller = "s" + round;
            txs.add(deposit(seller, 1_000_000_000_000_000L));
            // Carol and dave swap roles every round, so neither builds a position.
            txs.add(gtc(round % 2 == 0 ? "carol" : "dave", SELL, price / 2, 1));
            txs.add(gtc(round % 2 == 0 ? "dave" : "carol", BUY, price / 2, 1));
            txs.add(gtc("alice", BUY, price, size));
            txs.add(gtc(seller, SELL, price, size));
            if (txs.size() >= 2000) {
                run(txs);
                txs.clear();
            }
        }
        run(txs);

        assertSomeRefusedAsOverflow("order would let the account's balance, position or PnL overflow");
        checkInvariants();
    }

    @Test
    void realizedPnlPastLongMaxIsRefusedAsOverflow() {
        // Alice sells high and buys back low, again and again, banking each gain by withdrawing it;
        // bob, who loses, is topped up. Her realized PnL in the market only grows.
        run(new Tx.CreateMarket(null, 0, market(0, 0, 1)), deposit("alice", 1_000_000_000_000L));
        long high = 1 << 20;
        long size = MAX_NOTIONAL / high;
        long gain = (high - 1) * size;
        List<Tx> txs = new ArrayList<>();
        for (int round = 0; round < 10_100; round++) {
            txs.add(deposit("bob", gain + 1));
            txs.add(gtc("alice", SELL, high, size));
            txs.add(gtc("bob", BUY, high, size));
            txs.add(gtc("alice", BUY, 1, size));
            txs.add(gtc("bob", SELL, 1, size));
            txs.add(new Tx.Withdraw("alice", 0, gain));
            if (txs.size() >= 2400) {
                run(txs);
                txs.clear();
            }
        }
        run(txs);

        assertSomeRefusedAsOverflow("order would let the account's balance, position or PnL overflow");
        checkInvariants();
    }
}
