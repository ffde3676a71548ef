package io.dexnode.engine.risk;

import io.dexnode.book.Side;
import java.math.BigInteger;

/**
 * One step of a block's risk pass, in the order it happened (docs/RISK.md). A liquidation is a
 * {@link Liquidation} followed by its account's cancelled orders (order updates), its
 * {@link BookClose}s (with their fills), {@link InsuranceCover}s, {@link Deleverage}s,
 * {@link DeficitCovered}s and {@link LiquidationFee}s.
 */
public sealed interface RiskEvent {
    /** The market this step happened in (0 for a liquidation's start, which spans the account's markets). */
    int market();

    /** Longs paid shorts (or, negative, the reverse) {@code premium} per base unit. */
    record Funding(int market, long premium, long indexPrice, long markPrice) implements RiskEvent {
    }

    /** An account was found below maintenance margin at the marks and is being liquidated. */
    record Liquidation(long accountId, BigInteger equity, BigInteger maintenanceMargin) implements RiskEvent {
        @Override
        public int market() {
            return 0;
        }
    }

    /**
     * An IOC order closing a liquidated position against the book at no worse than
     * {@code limitPrice}: the bankruptcy price, or with {@code insured} the price down to which the
     * insurance fund can pay the difference.
     */
    record BookClose(long accountId, int market, long orderId, Side side, long limitPrice, long size, long filled,
                     boolean insured) implements RiskEvent {
    }

    /** The insurance fund paid a liquidated account what its insured closes fell short of the bankruptcy price. */
    record InsuranceCover(long accountId, int market, long amount) implements RiskEvent {
    }

    /**
     * What the book and the fund could not close: the liquidated account traded {@code size} on
     * {@code side} with an opposite position's holder, at the bankruptcy price, without fees.
     */
    record Deleverage(long accountId, long counterparty, int market, Side side, long price, long size)
            implements RiskEvent {
    }

    /**
     * A liquidated account left with negative collateral after its positions were closed: the
     * market's insurance fund (or, for market 0, the fee account) paid {@code amount} of it.
     */
    record DeficitCovered(long accountId, int market, long amount) implements RiskEvent {
    }

    /** The liquidation fee a liquidated account paid the market's insurance fund (out of what it had left). */
    record LiquidationFee(long accountId, int market, long amount) implements RiskEvent {
    }

    /** The account the step names first: the liquidated one; -1 for funding. */
    static long accountOf(RiskEvent e) {
        return switch (e) {
            case Funding f -> -1;
            case Liquidation l -> l.accountId();
            case BookClose b -> b.accountId();
            case InsuranceCover c -> c.accountId();
            case Deleverage d -> d.accountId();
            case DeficitCovered d -> d.accountId();
            case LiquidationFee f -> f.accountId();
        };
    }

    /** Whether the step concerns {@code accountId}: it names it as the liquidated account or as a counterparty. */
    static boolean concerns(RiskEvent e, long accountId) {
        return accountOf(e) == accountId || (e instanceof Deleverage d && d.counterparty() == accountId);
    }
}
