package io.dexnode.engine;

import static io.dexnode.book.Side.BUY;
import static io.dexnode.book.Side.SELL;
import static io.dexnode.engine.EngineFixture.BTC;
import static io.dexnode.engine.EngineFixture.gtc;
import static io.dexnode.engine.EngineFixture.place;
import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.TimeInForce;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Two colluding accounts can trade one unit at the highest price an order may have, which makes
 * that price the mark. For every large holder in the market |size| × mark then exceeds a long.
 * The margin rule (collateral plus unrealized PnL at the mark must cover the initial margin) is
 * evaluated exactly, so such a holder is still judged by the rule — allowed what it allows,
 * refused as {@code insufficient_margin} where it says so — not refused everything as
 * {@code overflow} until the mark moves back.
 *
 * <p>The market charges no fees and asks 100 % initial margin, so equity − required margin is
 * simply collateral − entry notional − open-order notional for a long, and each boundary can be
 * stated to the unit.
 */
class ExtremeMarkTest {
    /** The highest price of a one-unit order (price × size × 10 000 must fit in a long). */
    private static final long P = Long.MAX_VALUE / 10_000;
    private static final long SIZE = 1_000_000;

    private final EngineFixture f = new EngineFixture();
    private final StateQueries q = new StateQueries(f.store);

    /**
     * Alice is long and bob short {@link #SIZE} at 100, each with 300 000 000 of collateral; then
     * mallory sells trent one unit at {@link #P}.
     */
    private void largeHoldersThenAnExtremeMark() {
        f.block(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 10_000, 10_000)),
                new Tx.Deposit("alice", 0, 300_000_000), new Tx.Deposit("bob", 0, 300_000_000),
                new Tx.Deposit("mallory", 0, 2 * P), new Tx.Deposit("trent", 0, 2 * P));
        assertAccepted(gtc("bob", SELL, 100, SIZE));
        assertAccepted(gtc("alice", BUY, 100, SIZE));
        assertAccepted(gtc("mallory", SELL, P, 1));
        assertAccepted(gtc("trent", BUY, P, 1));
        assertThat(q.marketStats(BTC).lastPrice()).isEqualTo(P);
        assertThat(q.position(q.accountByName("alice").accountId(), BTC).size()).isEqualTo(SIZE);
    }

    private TxResult assertAccepted(Tx tx) {
        TxResult r = f.one(tx);
        assertThat(r.accepted()).as("%s: %s", tx, r.rejection()).isTrue();
        return r;
    }

    @Test
    void longHolderCanStillOrderAmendAndWithdrawExactlyWhatTheRuleAllows() {
        largeHoldersThenAnExtremeMark();
        // Alice's surplus is her collateral less her entry notional: 3e8 − 1e8 = 2e8.
        long order = assertAccepted(gtc("alice", SELL, 1_000, 100_000)).orderId(); // open notional 1e8
        assertAccepted(new Tx.Amend("alice", 0, order, null, 900, 0)); // open notional 9e7: surplus 1.1e8
        StateQueries.AccountMargin margin = q.margin(q.accountByName("alice"));
        assertThat(margin.equity()).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
        assertThat(margin.withdrawable()).isEqualTo(110_000_000);
        f.assertRejectedWithoutEffect(new Tx.Withdraw("alice", 0, 110_000_001), RejectCode.INSUFFICIENT_MARGIN);
        assertAccepted(new Tx.Withdraw("alice", 0, 110_000_000));
        assertThat(q.accountByName("alice").collateral()).isEqualTo(190_000_000);
        f.assertRejectedWithoutEffect(gtc("alice", SELL, 1_000, 1), RejectCode.INSUFFICIENT_MARGIN);
    }

    @Test
    void insufficientMarginReportsEquityAndRequiredMarginBeyondALong() {
        largeHoldersThenAnExtremeMark();
        TxResult r = f.one(new Tx.Withdraw("alice", 0, 200_000_001));

        BigInteger atMark = BigInteger.valueOf(SIZE).multiply(BigInteger.valueOf(P));
        BigInteger equity = atMark.add(BigInteger.valueOf(300_000_000 - 200_000_001 - 100_000_000));
        assertThat(r.rejection().code()).isEqualTo(RejectCode.INSUFFICIENT_MARGIN);
        assertThat(r.rejection().message())
                .isEqualTo("withdrawal needs initial margin " + atMark + " but the account's equity is " + equity);
    }

    @Test
    void shortHolderIsRefusedAsInsufficientMarginNotOverflowAndRecoversWhenTheMarkReturns() {
        largeHoldersThenAnExtremeMark();
        // At the mark bob's loss is about 9.2e20: the rule refuses him anything that needs margin,
        // even an order that would close his short.
        f.assertRejectedWithoutEffect(new Tx.Withdraw("bob", 0, 1), RejectCode.INSUFFICIENT_MARGIN);
        f.assertRejectedWithoutEffect(gtc("bob", BUY, 100, SIZE), RejectCode.INSUFFICIENT_MARGIN);
        // The colluders trade back at 100.
        assertAccepted(gtc("mallory", SELL, 100, 1));
        assertAccepted(gtc("trent", BUY, 100, 1));
        f.assertRejectedWithoutEffect(new Tx.Withdraw("bob", 0, 200_000_001), RejectCode.INSUFFICIENT_MARGIN);
        assertAccepted(new Tx.Withdraw("bob", 0, 200_000_000));
    }

    @Test
    void takerIsCheckedAtItsLimitPriceEvenWherePositionTimesThatPriceExceedsALong() {
        f.block(new Tx.CreateMarket(null, 0, new MarketParams(BTC, "BTC-USD", 1, 1, 1, 0, 0, 10_000, 10_000)),
                new Tx.Deposit("alice", 0, 300_000_000), new Tx.Deposit("bob", 0, 300_000_000),
                new Tx.Deposit("mallory", 0, 2 * P));
        assertAccepted(gtc("bob", SELL, 100, SIZE));
        assertAccepted(gtc("alice", BUY, 100, SIZE));
        assertAccepted(gtc("mallory", SELL, P, 1));
        // Bob, short, can carry the order at the mark of 100 (equity 3e8 + P, margin 1e8 + P), but
        // buying mallory's unit leaves the mark at P, where his loss is about 9.2e20.
        assertAccepted(new Tx.Deposit("bob", 0, P));
        f.assertRejectedWithoutEffect(place("bob", BUY, P, 1, TimeInForce.IOC), RejectCode.INSUFFICIENT_MARGIN);
        // Alice, long, has a surplus of her collateral less her entry notional and the order's: 0 at any mark.
        assertAccepted(new Tx.Deposit("alice", 0, P - 200_000_000));
        assertAccepted(place("alice", BUY, P, 1, TimeInForce.IOC));
        assertThat(q.position(q.accountByName("alice").accountId(), BTC).size()).isEqualTo(SIZE + 1);
    }
}
