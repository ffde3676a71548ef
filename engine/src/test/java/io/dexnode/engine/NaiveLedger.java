package io.dexnode.engine;

import io.dexnode.book.Side;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.risk.RiskEvent;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately plain ledger of collateral and positions, fed only with accepted deposits and
 * withdrawals and the fills the engine reports, to compare against the engine's committed state.
 * Arithmetic is exact ({@link BigInteger} or {@code Math.*Exact}), never floating point.
 *
 * <p>Rules (issue #5, DESIGN.md §4–§6): a deposit adds collateral, a withdrawal subtracts it. A fill
 * books the maker side (the opposite of the taker's side), then the taker side. Booking one side
 * to an account's position in a market (signed size {@code s}, entry notional {@code e}: the signed
 * cost basis of the open size, buys positive, sells negative):
 * <ul>
 *   <li>flat or same direction: {@code s += ±size}, {@code e += ±price × size};</li>
 *   <li>against the position: {@code closed = min(|s|, size)}; the closed units take
 *       {@code share = e × closed / |s|} of the basis and realize {@code ±closed × price − share}
 *       (exit proceeds minus that share, signed like the position); a remainder beyond zero opens
 *       a new position at the fill price;</li>
 *   <li>collateral {@code += realized − fee}; the fee account's collateral {@code += fee}.</li>
 * </ul>
 *
 * <p>Assumptions where DESIGN.md and the issue are silent:
 * <ul>
 *   <li>The share is rounded toward zero ({@code |share| = ⌊|e| × closed / |s|⌋}, sign of {@code e}),
 *       the same for longs and shorts: the rounding remainder stays in the open basis and is
 *       realized when the position closes (a full close takes all of {@code e}), so what a position
 *       realizes over its life is exact.</li>
 *   <li>A fee is {@code ⌈price × size × bps / 10 000⌉}: the exchange never charges less than the
 *       rate; the test checks each reported fill's fees against {@link #fees}.</li>
 *   <li>Maker before taker matters only for a self-trade (STP allow), where both sides hit one
 *       position: against an open position it first realizes PnL on it, then reopens at the fill price.</li>
 * </ul>
 */
final class NaiveLedger {
    private static final long BPS = 10_000;

    /** One account's position in one market. */
    private static final class Position {
        long size;
        long entryNotional;
        long realizedPnl;

        @Override
        public String toString() {
            return "size=" + size + " entryNotional=" + entryNotional + " realizedPnl=" + realizedPnl;
        }
    }

    private final long feeAccount;
    private final Map<Integer, MarketParams> markets = new TreeMap<>();
    private final Map<Integer, Long> funds = new TreeMap<>();
    private final TreeMap<Long, Long> collateral = new TreeMap<>();
    private final Map<Long, Map<Integer, Position>> positions = new HashMap<>();
    private long deposited;
    private long withdrawn;

    /** How often a fill reduced a position, flipped one through zero, and took an inexact share. */
    long reductions;
    long flips;
    long inexactShares;

    NaiveLedger(long feeAccount) {
        this.feeAccount = feeAccount;
    }

    void createMarket(MarketParams params) {
        markets.put(params.marketId(), params);
    }

    void deposit(long account, long amount) {
        collateral.merge(account, amount, Math::addExact);
        deposited = Math.addExact(deposited, amount);
    }

    void withdraw(long account, long amount) {
        collateral.merge(account, -amount, Math::addExact);
        withdrawn = Math.addExact(withdrawn, amount);
    }

    /** The {maker, taker} fees of a fill at the market's rates. */
    long[] fees(Fill f) {
        MarketParams m = markets.get(f.market());
        long notional = Math.multiplyExact(f.price(), f.size());
        return new long[] {fee(notional, m.makerFeeBps()), fee(notional, m.takerFeeBps())};
    }

    /** Books a reported fill with the fees it reports. */
    void fill(Fill f) {
        book(f.makerAccount(), f.market(), f.takerSide().opposite(), f.price(), f.size(), f.makerFee());
        book(f.takerAccount(), f.market(), f.takerSide(), f.price(), f.size(), f.takerFee());
    }

    private void book(long account, int market, Side side, long price, long size, long fee) {
        Position p = positions.computeIfAbsent(account, a -> new TreeMap<>()).computeIfAbsent(market, m -> new Position());
        long signed = side == Side.BUY ? size : -size;
        long realized = 0;
        if (p.size == 0 || Long.signum(p.size) == Long.signum(signed)) {
            p.size = Math.addExact(p.size, signed);
            p.entryNotional = Math.addExact(p.entryNotional, Math.multiplyExact(signed, price));
        } else {
            reductions++;
            long held = Math.abs(p.size);
            long closed = Math.min(held, size);
            BigInteger[] qr = BigInteger.valueOf(p.entryNotional).multiply(BigInteger.valueOf(closed))
                    .divideAndRemainder(BigInteger.valueOf(held)); // truncates toward zero
            long share = qr[0].longValueExact();
            if (qr[1].signum() != 0) {
                inexactShares++;
            }
            long exit = Math.multiplyExact(Long.signum(p.size), Math.multiplyExact(closed, price));
            realized = Math.subtractExact(exit, share);
            p.entryNotional = Math.subtractExact(p.entryNotional, share);
            p.size = Math.subtractExact(p.size, Math.multiplyExact(Long.signum(p.size), closed));
            if (p.size == 0 && p.entryNotional != 0) {
                throw new AssertionError("model bug: a closed position kept basis " + p.entryNotional);
            }
            long opened = size - closed;
            if (opened > 0) {
                flips++;
                p.size = Long.signum(signed) * opened;
                p.entryNotional = Math.multiplyExact(p.size, price);
            }
        }
        p.realizedPnl = Math.addExact(p.realizedPnl, realized);
        collateral.merge(account, Math.subtractExact(realized, fee), Math::addExact);
        if (fee != 0) {
            collateral.merge(feeAccount, fee, Math::addExact);
        }
    }

    private static long fee(long notional, int bps) {
        return Math.ceilDiv(Math.multiplyExact(notional, (long) bps), BPS);
    }

    /**
     * The block's end-of-block risk pass, from what it reported (docs/RISK.md): funding (each
     * holder pays size × premium), the liquidations' book closes (their fills, the taker paying no
     * fee), insurance payments, auto-deleveraging trades (at their price, no fees), deficits
     * covered by a fund or the fee account, and liquidation fees to the funds. {@code passFills}
     * are the block's fills after its transactions', in order.
     */
    void riskPass(List<RiskEvent> events, List<Fill> passFills) {
        int next = 0;
        for (RiskEvent e : events) {
            switch (e) {
                case RiskEvent.Funding f -> {
                    for (Map.Entry<Long, Map<Integer, Position>> a : positions.entrySet()) {
                        Position p = a.getValue().get(f.market());
                        if (p != null && p.size != 0) {
                            collateral.merge(a.getKey(), -Math.multiplyExact(p.size, f.premium()), Math::addExact);
                        }
                    }
                }
                case RiskEvent.Liquidation l -> {
                }
                case RiskEvent.BookClose b -> {
                    while (next < passFills.size() && passFills.get(next).takerOrderId() == b.orderId()) {
                        Fill f = passFills.get(next++);
                        if (f.takerFee() != 0 || f.makerFee() != fees(f)[0]) {
                            throw new AssertionError("a liquidation's fill pays no taker fee and the maker's usual one: " + f);
                        }
                        fill(f);
                    }
                }
                case RiskEvent.InsuranceCover c -> fromFund(c.market(), c.accountId(), c.amount());
                case RiskEvent.DeficitCovered d -> {
                    if (d.market() == 0) {
                        collateral.merge(feeAccount, -d.amount(), Math::addExact);
                        collateral.merge(d.accountId(), d.amount(), Math::addExact);
                    } else {
                        fromFund(d.market(), d.accountId(), d.amount());
                    }
                }
                case RiskEvent.Deleverage d -> {
                    book(d.accountId(), d.market(), d.side(), d.price(), d.size(), 0);
                    book(d.counterparty(), d.market(), d.side().opposite(), d.price(), d.size(), 0);
                }
                case RiskEvent.LiquidationFee f -> {
                    collateral.merge(f.accountId(), -f.amount(), Math::addExact);
                    funds.merge(f.market(), f.amount(), Math::addExact);
                }
            }
        }
        if (next != passFills.size()) {
            throw new AssertionError("fills of the risk pass that no book close placed: " + passFills.subList(next, passFills.size()));
        }
    }

    private void fromFund(int market, long account, long amount) {
        funds.merge(market, -amount, Math::addExact);
        collateral.merge(account, amount, Math::addExact);
    }

    /** A market's insurance fund. */
    long fund(int market) {
        return funds.getOrDefault(market, 0L);
    }

    /** Accounts the ledger has seen (the fee account once it was paid), ascending. */
    Iterable<Long> accounts() {
        return collateral.keySet();
    }

    Iterable<Integer> markets() {
        return markets.keySet();
    }

    long collateral(long account) {
        return collateral.getOrDefault(account, 0L);
    }

    /** The position's {size, entry notional, realized PnL}; zeros if the account never traded there. */
    long[] position(long account, int market) {
        Position p = positions.getOrDefault(account, Map.of()).get(market);
        return p == null ? new long[3] : new long[] {p.size, p.entryNotional, p.realizedPnl};
    }

    long depositsMinusWithdrawals() {
        return Math.subtractExact(deposited, withdrawn);
    }
}
