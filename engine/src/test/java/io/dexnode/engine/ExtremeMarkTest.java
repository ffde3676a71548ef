package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static io.dexnode.engine.EngineFixture.place;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Before the oracle's first index price the last trade stands in for it, so with an empty book
 * two colluding accounts can trade one unit at the highest price an order may have and make that
 * the mark (with an index, or with a two-sided book, they cannot: {@link RiskScenarioTest}). For
 * every large holder in the market |size| × mark then exceeds a long. Within that block the margin
 * rule (collateral plus unrealized PnL at the mark must cover the initial margin) is evaluated
 * exactly, so such a holder is still judged by the rule — allowed what it allows, refused as
 * {@code insufficient_margin} where it says so — not refused everything as {@code overflow}. At
 * the block's end the short side, bankrupt at that mark, is liquidated.
 *
 * <p>The market charges no fees and asks 100 % initial and maintenance margin, so equity −
 * required margin is simply collateral − entry notional − open-order notional for a long, and
 * each boundary can be stated to the unit.
 */
class ExtremeMarkTest {
    /** The highest price of a one-unit order (price × size × 10 000 must fit in a long). */
    private static final long P = Long.MAX_VALUE / 10_000;
    private static final long SIZE = 1_000_000;

    private final EngineFixture f = new EngineFixture();
    private final StateQueries q = new StateQueries(f.store);

    /** Alice is long and bob short {@link #SIZE} at 100, each with 300 000 000 of collateral. */
    private void largeHolders() {
        f.block(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 10_000, 10_000)),
                new Tx.Deposit("alice", 0, 300_000_000), new Tx.Deposit("bob", 0, 300_000_000),
                new Tx.Deposit("mallory", 0, 2 * P), new Tx.Deposit("trent", 0, 2 * P));
        assertAccepted(gtc("bob", SELL, 100, SIZE));
        assertAccepted(gtc("alice", BUY, 100, SIZE));
        assertThat(q.position(q.accountByName("alice").accountId(), BTC).size()).isEqualTo(SIZE);
    }

    /** One block: mallory sells trent one unit at {@link #P}, then {@code txs}; their results, in order. */
    private BlockResult afterAnExtremeMark(Tx... txs) {
        List<Tx> block = new ArrayList<>(List.of(gtc("mallory", SELL, P, 1), gtc("trent", BUY, P, 1)));
        block.addAll(List.of(txs));
        BlockResult r = f.block(block);
        assertThat(r.results().get(1).fills()).as("the wash trade").hasSize(1);
        return r;
    }

    private TxResult assertAccepted(Tx tx) {
        TxResult r = f.one(tx);
        assertThat(r.accepted()).as("%s: %s", tx, r.rejection()).isTrue();
        return r;
    }

    private static Tx.Place withClientId(Tx.Place p, String clientOrderId) {
        return new Tx.Place(p.account(), 0, p.market(), p.side(), p.price(), p.size(), p.tif(), clientOrderId, p.stp());
    }

    @Test
    void longHolderCanStillOrderAmendAndWithdrawExactlyWhatTheRuleAllows() {
        largeHolders();
        // Alice's surplus is her collateral less her entry notional: 3e8 − 1e8 = 2e8.
        BlockResult r = afterAnExtremeMark(
                withClientId(gtc("alice", SELL, 1_000, 100_000), "a1"), // open notional 1e8
                new Tx.Amend("alice", 0, 0, "a1", 900, 0), // open notional 9e7: surplus 1.1e8
                new Tx.Withdraw("alice", 0, 110_000_001),
                new Tx.Withdraw("alice", 0, 110_000_000),
                gtc("alice", SELL, 1_000, 1));
        assertThat(r.results().get(2).accepted()).isTrue();
        assertThat(r.results().get(3).accepted()).isTrue();
        assertThat(r.results().get(4).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.results().get(5).accepted()).isTrue();
        assertThat(r.results().get(6).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(q.accountByName("alice").collateral()).as("what she withdrew, then what auto-deleveraging realized")
                .isGreaterThanOrEqualTo(190_000_000);
    }

    @Test
    void insufficientMarginReportsEquityAndRequiredMarginBeyondALong() {
        largeHolders();
        TxResult r = afterAnExtremeMark(new Tx.Withdraw("alice", 0, 200_000_001)).results().get(2);

        BigInteger atMark = BigInteger.valueOf(SIZE).multiply(BigInteger.valueOf(P));
        BigInteger equity = atMark.add(BigInteger.valueOf(300_000_000 - 200_000_001 - 100_000_000));
        assertThat(r.rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.rejection().message())
                .isEqualTo("withdrawal needs initial margin " + atMark + " but the account's equity is " + equity);
    }

    @Test
    void shortHolderIsRefusedAsInsufficientMarginNotOverflowAndRecoversWhenTheMarkReturns() {
        largeHolders();
        // At the mark bob's loss is about 9.2e20: the rule refuses him anything that needs margin,
        // even an order that would close his short; then the colluders trade back at 100.
        BlockResult r = afterAnExtremeMark(
                new Tx.Withdraw("bob", 0, 1),
                gtc("bob", BUY, 100, SIZE),
                gtc("mallory", SELL, 100, 1),
                gtc("trent", BUY, 100, 1),
                new Tx.Withdraw("bob", 0, 200_000_001),
                new Tx.Withdraw("bob", 0, 200_000_000));
        assertThat(r.results().get(2).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.results().get(3).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.results().get(6).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.results().get(7).accepted()).isTrue();
        assertThat(r.riskEvents()).as("at the block's end the mark is back at 100: nobody is liquidated").isEmpty();
    }

    @Test
    void takerIsCheckedAtItsLimitPriceEvenWherePositionTimesThatPriceExceedsALongAndTheBankruptShortIsLiquidated() {
        f.block(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 10_000, 10_000)),
                new Tx.Deposit("alice", 0, 300_000_000), new Tx.Deposit("bob", 0, 300_000_000),
                new Tx.Deposit("mallory", 0, 2 * P));
        assertAccepted(gtc("bob", SELL, 100, SIZE));
        assertAccepted(gtc("alice", BUY, 100, SIZE));
        // Bob, short, can carry the order at the mark of 100 (equity 3e8 + P, margin 1e8 + P), but
        // buying mallory's unit leaves the mark at P, where his loss is about 9.2e20.
        assertAccepted(new Tx.Deposit("bob", 0, P));
        BlockResult r = f.block(gtc("mallory", SELL, P, 1), place("bob", BUY, P, 1, TimeInForce.IOC));
        assertThat(r.results().get(1).rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        // Alice, long, has a surplus of her collateral less her entry notional and the order's: 0 at any mark.
        assertAccepted(new Tx.Deposit("alice", 0, P - 200_000_000));
        BlockResult taken = f.block(new Tx.Place("alice", 0, BTC, BUY, P, 1, TimeInForce.IOC, null,
                SelfTradePrevention.CANCEL_RESTING));
        assertThat(taken.results().get(0).fills()).as("alice took mallory's unit at P").hasSize(1);
        long bob = q.accountByName("bob").accountId();
        assertThat(taken.riskEvents()).as("the mark is P now, and bob, short, is bankrupt at it")
                .first().isInstanceOfSatisfying(RiskEvent.Liquidation.class, l -> assertThat(l.accountId()).isEqualTo(bob));
        assertThat(q.position(bob, BTC).size()).as("bob's short is closed").isZero();
        assertThat(q.account(bob).collateral()).as("bob's collateral").isNotNegative();
    }
}
