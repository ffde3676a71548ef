package io.dexnode.engine.risk;

import io.dexnode.book.Side;
import io.dexnode.engine.Engine;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.PositionRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Liquidates one account below maintenance margin, at the pass's marks (docs/RISK.md):
 * <ol>
 *   <li>its resting orders are cancelled;</li>
 *   <li>each position — longs first, then shorts, each in market order — is closed: against the
 *       book by an IOC no worse than its bankruptcy price (the price at which closing it leaves the
 *       account's equity at zero, its other positions at their marks); then, if the market's
 *       insurance fund has money, by an IOC down to the price where the fund can still pay the
 *       difference, the fund paying what those fills fell short of the bankruptcy price; what is
 *       still open is auto-deleveraged: traded at the bankruptcy price with opposite holders in
 *       {@link AdlRanking} order;</li>
 *   <li>collateral still negative once every position is closed is paid by the insurance funds of
 *       the markets it held positions in, in market order, and what they cannot pay by the fee
 *       account, the exchange's own, which may go below zero for it (bad debt);</li>
 *   <li>out of what is left it pays each market's fund its liquidation fee,
 *       ⌈|size| × mark × liquidationFeeBps / 10 000⌉ of the position it held, in market order.</li>
 * </ol>
 * Every step is a {@link RiskEvent}. Arithmetic is exact ({@link BigInteger}); a bankruptcy
 * price is rounded to the tick, and an auto-deleveraging price to the atom, in the account's
 * favour, so that closing at it never leaves the account below zero.
 */
final class Liquidation {
    private static final long BPS = 10_000;

    private final RiskLedger ledger;
    private final LiquidationIndex index;
    private final List<RiskEvent> events;

    Liquidation(RiskLedger ledger, LiquidationIndex index, List<RiskEvent> events) {
        this.ledger = ledger;
        this.index = index;
        this.events = events;
    }

    void run(long accountId, AccountHealth health, Marks marks) {
        events.add(new RiskEvent.Liquidation(accountId, health.equity(), health.maintenanceMargin()));
        ledger.cancelOrders(accountId);
        List<Integer> longs = new ArrayList<>();
        List<Integer> shorts = new ArrayList<>();
        TreeMap<Integer, BigInteger> notional = new TreeMap<>();
        for (int market : ledger.account(accountId).markets()) {
            long size = ledger.position(accountId, market).size();
            if (size != 0) {
                (size > 0 ? longs : shorts).add(market);
                notional.put(market, BigInteger.valueOf(size).abs().multiply(BigInteger.valueOf(marks.of(market))));
            }
        }
        for (int market : longs) {
            close(accountId, market, marks);
        }
        for (int market : shorts) {
            close(accountId, market, marks);
        }
        coverDeficit(accountId, notional.keySet());
        chargeFees(accountId, notional);
    }

    private void close(long accountId, int market, Marks marks) {
        MarketParams params = ledger.params(market);
        long mark = marks.of(market);
        long size = ledger.position(accountId, market).size();
        long limit = limitPrice(size, mark, equity(accountId, marks), BigInteger.ZERO, params.tickSize());
        if (limit > 0) {
            take(accountId, market, size, limit, false);
        }
        size = ledger.position(accountId, market).size();
        long fund = ledger.risk(market).insuranceFund();
        if (size != 0 && fund > 0) {
            insuredClose(accountId, market, size, mark, fund, params.tickSize(), marks);
        }
        size = ledger.position(accountId, market).size();
        if (size != 0) {
            deleverage(accountId, market, size, mark, marks);
        }
    }

    /** Closes what it can within the fund's reach, and has the fund pay what those fills fell short of the bankruptcy price. */
    private void insuredClose(long accountId, int market, long size, long mark, long fund, long tick, Marks marks) {
        BigInteger equity = equity(accountId, marks);
        long limit = limitPrice(size, mark, equity, BigInteger.valueOf(fund), tick);
        if (limit <= 0) {
            return;
        }
        RiskLedger.BookTake t = take(accountId, market, size, limit, true);
        if (t.filled() == 0) {
            return;
        }
        // The bankruptcy price before these fills is bankrupt / n; what the fills fell short of it, rounded up.
        BigInteger n = BigInteger.valueOf(Math.abs(size));
        BigInteger bankrupt = bankruptcyNumerator(size, mark, equity, BigInteger.ZERO);
        BigInteger q = BigInteger.valueOf(t.filled());
        BigInteger cash = BigInteger.valueOf(t.cash());
        BigInteger shortfall = size > 0 ? q.multiply(bankrupt).subtract(cash.multiply(n))
                : cash.multiply(n).subtract(q.multiply(bankrupt));
        BigInteger pay = AccountHealth.ceilDivBy(shortfall, n).max(BigInteger.ZERO).min(BigInteger.valueOf(fund));
        if (pay.signum() > 0) {
            payFromFund(accountId, market, pay.longValueExact());
            events.add(new RiskEvent.InsuranceCover(accountId, market, pay.longValueExact()));
        }
    }

    private RiskLedger.BookTake take(long accountId, int market, long size, long limit, boolean insured) {
        Side side = size > 0 ? Side.SELL : Side.BUY;
        RiskLedger.BookTake t = ledger.takeFromBook(accountId, market, side, Math.abs(size), limit);
        if (t.orderId() != 0) {
            events.add(new RiskEvent.BookClose(accountId, market, t.orderId(), side, limit, Math.abs(size), t.filled(), insured));
        }
        return t;
    }

    /**
     * What the book and the fund could not close, with opposite holders in ranking order, at the
     * bankruptcy price. Only with extreme values can that trade not fit a holder's records (a long
     * overflowing); then it is made at the mark, and failing that at the lower of the two
     * positions' average entry prices, which always fits (realizing at most each one's entry
     * notional, which the records' headroom allows); what that leaves unpaid is a deficit.
     */
    private void deleverage(long accountId, int market, long size, long mark, Marks marks) {
        BigInteger n = BigInteger.valueOf(Math.abs(size));
        BigInteger numerator = bankruptcyNumerator(size, mark, equity(accountId, marks), BigInteger.ZERO);
        BigInteger price = size > 0 ? AccountHealth.ceilDivBy(numerator, n) : floorDiv(numerator, n);
        long bankruptcy = price.max(BigInteger.ONE).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
        List<AdlRanking.Candidate> candidates = new ArrayList<>();
        for (long holder : index.holders(market, size < 0)) {
            if (holder == accountId) {
                continue;
            }
            PositionRecord pos = ledger.position(holder, market);
            candidates.add(new AdlRanking.Candidate(holder, pos.size(), pos.entryNotional(), equity(holder, marks)));
        }
        Side side = size > 0 ? Side.SELL : Side.BUY;
        long left = Math.abs(size);
        for (AdlRanking.Candidate c : AdlRanking.rank(candidates, mark)) {
            if (left == 0) {
                break;
            }
            long x = Math.min(left, Math.abs(c.size()));
            long own = averageEntry(ledger.position(accountId, market));
            long safe = Math.max(1, Math.min(own, averageEntry(ledger.position(c.accountId(), market))));
            for (long p : new long[] {bankruptcy, mark, safe}) {
                if (ledger.deleverage(accountId, c.accountId(), market, side, p, x)) {
                    events.add(new RiskEvent.Deleverage(accountId, c.accountId(), market, side, p, x));
                    left -= x;
                    break;
                }
            }
        }
        if (left != 0) {
            throw new IllegalStateException("market " + market + ": " + left + " of account " + accountId
                    + "'s position found no opposite holder to take it");
        }
    }

    /** |entry notional| / |size|, rounded down. */
    private static long averageEntry(PositionRecord p) {
        return p.size() == 0 ? 0 : Math.abs(p.entryNotional() / p.size());
    }

    /** Negative collateral left once every position is closed: the funds of its markets pay, then the fee account. */
    private void coverDeficit(long accountId, Iterable<Integer> markets) {
        long deficit = -ledger.account(accountId).collateral();
        if (deficit <= 0) {
            return;
        }
        for (int market : markets) {
            long pay = Math.min(deficit, ledger.risk(market).insuranceFund());
            if (pay > 0) {
                payFromFund(accountId, market, pay);
                events.add(new RiskEvent.DeficitCovered(accountId, market, pay));
                deficit -= pay;
            }
        }
        if (deficit > 0) {
            // The exchange's own account is the last backstop: what no fund can pay it carries as bad debt.
            ledger.addCollateral(Engine.FEE_ACCOUNT_ID, -deficit);
            ledger.addCollateral(accountId, deficit);
            events.add(new RiskEvent.DeficitCovered(accountId, 0, deficit));
        }
    }

    private void chargeFees(long accountId, TreeMap<Integer, BigInteger> notional) {
        long left = ledger.account(accountId).collateral();
        for (var e : notional.entrySet()) {
            if (left <= 0) {
                return;
            }
            int bps = ledger.params(e.getKey()).liquidationFeeBps();
            BigInteger due = AccountHealth.ceilDivBy(e.getValue().multiply(BigInteger.valueOf(bps)), BigInteger.valueOf(BPS));
            MarketRiskRecord r = ledger.risk(e.getKey());
            // at most what the account has left, and what the fund can still hold
            long fee = due.min(BigInteger.valueOf(left)).min(BigInteger.valueOf(Long.MAX_VALUE - r.insuranceFund()))
                    .longValueExact();
            if (fee > 0) {
                ledger.addCollateral(accountId, -fee);
                ledger.putRisk(e.getKey(), r.withInsuranceFund(Math.addExact(r.insuranceFund(), fee)));
                events.add(new RiskEvent.LiquidationFee(accountId, e.getKey(), fee));
                left -= fee;
            }
        }
    }

    private void payFromFund(long accountId, int market, long amount) {
        MarketRiskRecord r = ledger.risk(market);
        ledger.putRisk(market, r.withInsuranceFund(r.insuranceFund() - amount));
        ledger.addCollateral(accountId, amount);
    }

    /** The account's equity at the marks, exactly. */
    BigInteger equity(long accountId, Marks marks) {
        AccountRecord a = ledger.account(accountId);
        BigInteger e = BigInteger.valueOf(a.collateral());
        for (int market : a.markets()) {
            PositionRecord p = ledger.position(accountId, market);
            e = e.add(BigInteger.valueOf(p.size()).multiply(BigInteger.valueOf(marks.of(market))))
                    .subtract(BigInteger.valueOf(p.entryNotional()));
        }
        return e;
    }

    /**
     * n × the price at which closing the whole position (n = |size|) leaves the account's equity at
     * −{@code covered}: for a long m·n − E − covered, for a short m·n + E + covered.
     */
    static BigInteger bankruptcyNumerator(long size, long mark, BigInteger equity, BigInteger covered) {
        BigInteger mn = BigInteger.valueOf(mark).multiply(BigInteger.valueOf(Math.abs(size)));
        return size > 0 ? mn.subtract(equity).subtract(covered) : mn.add(equity).add(covered);
    }

    /**
     * The limit of an IOC closing the position no worse than that price, on the tick in the
     * account's favour: a long sells at or above it (at least one tick), a short buys at or below it
     * (0 when that is below one tick: no price is good enough).
     */
    static long limitPrice(long size, long mark, BigInteger equity, BigInteger covered, long tick) {
        BigInteger numerator = bankruptcyNumerator(size, mark, equity, covered);
        BigInteger perTick = BigInteger.valueOf(Math.abs(size)).multiply(BigInteger.valueOf(tick));
        BigInteger ticks = size > 0 ? AccountHealth.ceilDivBy(numerator, perTick) : floorDiv(numerator, perTick);
        BigInteger most = BigInteger.valueOf(Long.MAX_VALUE / tick);
        if (size > 0) {
            return ticks.max(BigInteger.ONE).min(most).longValueExact() * tick;
        }
        return ticks.signum() <= 0 ? 0 : ticks.min(most).longValueExact() * tick;
    }

    private static BigInteger floorDiv(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
}
