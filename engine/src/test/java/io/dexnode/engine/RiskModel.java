package io.dexnode.engine;

import io.dexnode.book.Side;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.schema.MarketParams;
import io.dexnode.engine.schema.MarketRiskRecord;
import io.dexnode.engine.schema.PositionRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent model of the end-of-block risk pass, written from docs/RISK.md in plain
 * {@link BigInteger} arithmetic over plain collections, to check the engine's pass against. It
 * starts from what the pass starts from (the state after the block's last transaction and the
 * books, as a {@link RiskPassObserver} sees them) and computes the marks, funding, every
 * liquidation — against its own copy of the books, the insurance funds, auto-deleveraging,
 * deficits, fees — and the state and books afterwards, with the events in order.
 *
 * <p>It does not use the engine's index of whom to examine: after funding it repeatedly
 * liquidates the smallest-id account below maintenance margin among all accounts, until none is;
 * if that moved a mark, it starts over at the new marks. (The engine examines only accounts it
 * has reason to; the two must agree.)
 */
final class RiskModel {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** A resting order of the model's books. */
    static final class Order {
        final long id;
        final long owner;
        final long price;
        long remaining;

        Order(long id, long owner, long price, long remaining) {
            this.id = id;
            this.owner = owner;
            this.price = price;
            this.remaining = remaining;
        }
    }

    /** A market: parameters, risk state, last trade price and its book, each side best first in queue order. */
    static final class Market {
        MarketParams params;
        MarketRiskRecord risk;
        long last;
        final List<Order> bids = new ArrayList<>();
        final List<Order> asks = new ArrayList<>();

        long mark() {
            long reference = risk.indexPrice() > 0 ? risk.indexPrice() : last;
            if (reference <= 0) {
                return 0;
            }
            if (bids.isEmpty() || asks.isEmpty()) {
                return reference;
            }
            return Math.max(bids.get(0).price, Math.min(reference, asks.get(0).price));
        }
    }

    /** A position: size, entry notional, realized PnL. */
    static final class Position {
        BigInteger size = BigInteger.ZERO;
        BigInteger entry = BigInteger.ZERO;
        BigInteger realized = BigInteger.ZERO;
    }

    static final class Account {
        BigInteger collateral = BigInteger.ZERO;
        final TreeMap<Integer, Position> positions = new TreeMap<>();
    }

    final TreeMap<Integer, Market> markets = new TreeMap<>();
    final TreeMap<Long, Account> accounts = new TreeMap<>();
    final List<RiskEvent> events = new ArrayList<>();
    /** The accounts below maintenance margin once the block's transactions and funding are done, at the marks they left. */
    final List<Long> belowAtStart = new ArrayList<>();
    /** The accounts liquidated after an earlier round's liquidations moved a mark. */
    final List<Long> liquidatedAtMovedMarks = new ArrayList<>();
    long nextOrderId;
    int liquidations;

    /** The model of the state the pass starts from. */
    static RiskModel of(RiskPassObserver.Input in) {
        RiskModel m = new RiskModel();
        for (MarketParams p : in.markets()) {
            Market market = new Market();
            market.params = p;
            market.risk = in.risk(p.marketId());
            market.last = in.lastPrice(p.marketId());
            in.book(p.marketId()).forEachOrder((id, owner, side, price, remaining, seq) ->
                    (side == Side.BUY ? market.bids : market.asks).add(new Order(id, owner, price, remaining)));
            m.markets.put(p.marketId(), market);
        }
        m.nextOrderId = in.counters().nextOrderId();
        for (long id = 0; id < in.counters().nextAccountId(); id++) {
            AccountRecord a = in.account(id);
            if (a == null) {
                continue;
            }
            Account acct = new Account();
            acct.collateral = BigInteger.valueOf(a.collateral());
            for (int market : a.markets()) {
                PositionRecord p = in.position(id, market);
                Position pos = new Position();
                pos.size = BigInteger.valueOf(p.size());
                pos.entry = BigInteger.valueOf(p.entryNotional());
                pos.realized = BigInteger.valueOf(p.realizedPnl());
                acct.positions.put(market, pos);
            }
            m.accounts.put(id, acct);
        }
        return m;
    }

    /** The pass of block {@code height}. */
    void run(long height) {
        Map<Integer, Long> marks = marks();
        funding(height, marks);
        for (Map.Entry<Long, Account> e : accounts.entrySet()) {
            if (e.getKey() != Engine.FEE_ACCOUNT_ID && below(e.getValue(), marks)) {
                belowAtStart.add(e.getKey());
            }
        }
        for (boolean moved = false; ; moved = true) {
            for (Long below = smallestBelow(marks); below != null; below = smallestBelow(marks)) {
                if (moved) {
                    liquidatedAtMovedMarks.add(below);
                }
                liquidate(below, marks);
            }
            Map<Integer, Long> now = marks();
            if (now.equals(marks)) {
                break;
            }
            marks = now;
        }
        for (Market market : markets.values()) {
            market.risk = market.risk.withMark(marks.get(market.params.marketId()));
        }
    }

    Map<Integer, Long> marks() {
        Map<Integer, Long> out = new TreeMap<>();
        markets.forEach((id, m) -> out.put(id, m.mark()));
        return out;
    }

    // ---------------------------------------------------------------- funding

    private void funding(long height, Map<Integer, Long> marks) {
        for (Market m : markets.values()) {
            MarketParams p = m.params;
            MarketRiskRecord r = m.risk;
            if (p.fundingIntervalBlocks() == 0 || height < r.nextFundingHeight()) {
                continue;
            }
            long next = height + p.fundingIntervalBlocks();
            if (r.nextFundingHeight() == 0) {
                m.risk = r.withFunding(next, r.lastFundingHeight(), r.lastFundingPremium());
                continue;
            }
            long mark = marks.get(p.marketId());
            BigInteger premium = BigInteger.ZERO;
            if (r.indexPrice() > 0 && mark > 0) {
                BigInteger index = BigInteger.valueOf(r.indexPrice());
                BigInteger cap = index.multiply(BigInteger.valueOf(p.fundingCapBps())).divide(BPS);
                premium = BigInteger.valueOf(mark).subtract(index).max(cap.negate()).min(cap);
            }
            for (Account a : accounts.values()) {
                Position pos = a.positions.get(p.marketId());
                if (pos != null && pos.size.signum() != 0) {
                    BigInteger payment = pos.size.multiply(premium);
                    if (!fits(payment) || !fits(a.collateral.subtract(payment))) {
                        premium = BigInteger.ZERO;
                    }
                }
            }
            for (Account a : accounts.values()) {
                Position pos = a.positions.get(p.marketId());
                if (pos != null) {
                    a.collateral = a.collateral.subtract(pos.size.multiply(premium));
                }
            }
            m.risk = m.risk.withFunding(next, height, premium.longValueExact());
            events.add(new RiskEvent.Funding(p.marketId(), premium.longValueExact(), r.indexPrice(), mark));
        }
    }

    // ---------------------------------------------------------------- who is below

    private Long smallestBelow(Map<Integer, Long> marks) {
        for (Map.Entry<Long, Account> e : accounts.entrySet()) {
            if (e.getKey() != Engine.FEE_ACCOUNT_ID && below(e.getValue(), marks)) {
                return e.getKey();
            }
        }
        return null;
    }

    boolean below(Account a, Map<Integer, Long> marks) {
        return equity(a, marks).compareTo(maintenance(a, marks)) < 0;
    }

    BigInteger equity(Account a, Map<Integer, Long> marks) {
        BigInteger e = a.collateral;
        for (Map.Entry<Integer, Position> p : a.positions.entrySet()) {
            e = e.add(p.getValue().size.multiply(BigInteger.valueOf(marks.get(p.getKey())))).subtract(p.getValue().entry);
        }
        return e;
    }

    BigInteger maintenance(Account a, Map<Integer, Long> marks) {
        BigInteger m = BigInteger.ZERO;
        for (Map.Entry<Integer, Position> p : a.positions.entrySet()) {
            BigInteger notional = p.getValue().size.abs().multiply(BigInteger.valueOf(marks.get(p.getKey())));
            m = m.add(ceil(notional.multiply(BigInteger.valueOf(markets.get(p.getKey()).params.maintenanceMarginBps())), BPS));
        }
        return m;
    }

    // ---------------------------------------------------------------- a liquidation

    private void liquidate(long id, Map<Integer, Long> marks) {
        liquidations++;
        Account a = accounts.get(id);
        events.add(new RiskEvent.Liquidation(id, equity(a, marks), maintenance(a, marks)));
        for (Market m : markets.values()) {
            m.bids.removeIf(o -> o.owner == id);
            m.asks.removeIf(o -> o.owner == id);
        }
        List<Integer> longs = new ArrayList<>();
        List<Integer> shorts = new ArrayList<>();
        TreeMap<Integer, BigInteger> notional = new TreeMap<>();
        a.positions.forEach((market, p) -> {
            if (p.size.signum() != 0) {
                (p.size.signum() > 0 ? longs : shorts).add(market);
                notional.put(market, p.size.abs().multiply(BigInteger.valueOf(marks.get(market))));
            }
        });
        for (int market : longs) {
            close(id, market, marks);
        }
        for (int market : shorts) {
            close(id, market, marks);
        }
        if (a.collateral.signum() < 0) {
            BigInteger deficit = a.collateral.negate();
            for (int market : notional.keySet()) {
                Market m = markets.get(market);
                BigInteger pay = deficit.min(BigInteger.valueOf(m.risk.insuranceFund()));
                if (pay.signum() > 0) {
                    fund(m, pay.negate());
                    a.collateral = a.collateral.add(pay);
                    deficit = deficit.subtract(pay);
                    events.add(new RiskEvent.DeficitCovered(id, market, pay.longValueExact()));
                }
            }
            if (deficit.signum() > 0) {
                Account fees = feeAccount();
                fees.collateral = fees.collateral.subtract(deficit);
                a.collateral = a.collateral.add(deficit);
                events.add(new RiskEvent.DeficitCovered(id, 0, deficit.longValueExact()));
            }
        }
        BigInteger left = a.collateral;
        for (Map.Entry<Integer, BigInteger> e : notional.entrySet()) {
            if (left.signum() <= 0) {
                break;
            }
            Market m = markets.get(e.getKey());
            BigInteger due = ceil(e.getValue().multiply(BigInteger.valueOf(m.params.liquidationFeeBps())), BPS);
            BigInteger fee = due.min(left).min(LONG_MAX.subtract(BigInteger.valueOf(m.risk.insuranceFund())));
            if (fee.signum() > 0) {
                a.collateral = a.collateral.subtract(fee);
                fund(m, fee);
                events.add(new RiskEvent.LiquidationFee(id, e.getKey(), fee.longValueExact()));
                left = left.subtract(fee);
            }
        }
    }

    private void close(long id, int market, Map<Integer, Long> marks) {
        Market m = markets.get(market);
        long mark = marks.get(market);
        long tick = m.params.tickSize();
        BigInteger size = position(id, market).size;
        long limit = limit(size, mark, equity(accounts.get(id), marks), BigInteger.ZERO, tick);
        if (limit > 0) {
            take(id, m, size, limit, false);
        }
        size = position(id, market).size;
        long fund = m.risk.insuranceFund();
        if (size.signum() != 0 && fund > 0) {
            BigInteger equity = equity(accounts.get(id), marks);
            long insuredLimit = limit(size, mark, equity, BigInteger.valueOf(fund), tick);
            if (insuredLimit > 0) {
                BigInteger[] took = take(id, m, size, insuredLimit, true);
                if (took[0].signum() > 0) {
                    BigInteger n = size.abs();
                    BigInteger bankrupt = numerator(size, mark, equity, BigInteger.ZERO);
                    BigInteger shortfall = size.signum() > 0 ? took[0].multiply(bankrupt).subtract(took[1].multiply(n))
                            : took[1].multiply(n).subtract(took[0].multiply(bankrupt));
                    BigInteger pay = ceil(shortfall, n).max(BigInteger.ZERO).min(BigInteger.valueOf(fund));
                    if (pay.signum() > 0) {
                        fund(m, pay.negate());
                        Account a = accounts.get(id);
                        a.collateral = a.collateral.add(pay);
                        events.add(new RiskEvent.InsuranceCover(id, market, pay.longValueExact()));
                    }
                }
            }
        }
        size = position(id, market).size;
        if (size.signum() != 0) {
            deleverage(id, market, size, mark, marks);
        }
    }

    /** n × the price at which closing the position leaves equity at −covered. */
    private static BigInteger numerator(BigInteger size, long mark, BigInteger equity, BigInteger covered) {
        BigInteger mn = BigInteger.valueOf(mark).multiply(size.abs());
        return size.signum() > 0 ? mn.subtract(equity).subtract(covered) : mn.add(equity).add(covered);
    }

    private static long limit(BigInteger size, long mark, BigInteger equity, BigInteger covered, long tick) {
        BigInteger perTick = size.abs().multiply(BigInteger.valueOf(tick));
        BigInteger num = numerator(size, mark, equity, covered);
        BigInteger most = BigInteger.valueOf(Long.MAX_VALUE / tick);
        if (size.signum() > 0) {
            return ceil(num, perTick).max(BigInteger.ONE).min(most).longValueExact() * tick;
        }
        BigInteger ticks = floor(num, perTick);
        return ticks.signum() <= 0 ? 0 : ticks.min(most).longValueExact() * tick;
    }

    /** An IOC against the model's book; returns {filled, Σ price × size}. */
    private BigInteger[] take(long id, Market m, BigInteger size, long limit, boolean insured) {
        Side side = size.signum() > 0 ? Side.SELL : Side.BUY;
        List<Order> opposite = side == Side.SELL ? m.bids : m.asks;
        long n = size.abs().longValueExact();
        long fillable = 0;
        for (Order o : opposite) {
            if (side == Side.SELL ? o.price < limit : o.price > limit) {
                break;
            }
            fillable += o.remaining;
        }
        if (fillable == 0) {
            return new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO};
        }
        long orderId = nextOrderId++;
        long left = n;
        BigInteger cash = BigInteger.ZERO;
        while (left > 0 && !opposite.isEmpty()) {
            Order o = opposite.get(0);
            if (side == Side.SELL ? o.price < limit : o.price > limit) {
                break;
            }
            long q = Math.min(left, o.remaining);
            BigInteger notional = BigInteger.valueOf(o.price).multiply(BigInteger.valueOf(q));
            BigInteger makerFee = ceil(notional.multiply(BigInteger.valueOf(m.params.makerFeeBps())), BPS);
            trade(o.owner, m.params.marketId(), side.opposite(), o.price, q, makerFee);
            trade(id, m.params.marketId(), side, o.price, q, BigInteger.ZERO);
            m.last = o.price;
            cash = cash.add(notional);
            left -= q;
            o.remaining -= q;
            if (o.remaining == 0) {
                opposite.remove(0);
            }
        }
        long filled = n - left;
        events.add(new RiskEvent.BookClose(id, m.params.marketId(), orderId, side, limit, n, filled, insured));
        return new BigInteger[] {BigInteger.valueOf(filled), cash};
    }

    private void deleverage(long id, int market, BigInteger size, long mark, Map<Integer, Long> marks) {
        BigInteger n = size.abs();
        BigInteger num = numerator(size, mark, equity(accounts.get(id), marks), BigInteger.ZERO);
        BigInteger price = size.signum() > 0 ? ceil(num, n) : floor(num, n);
        long bankruptcy = price.max(BigInteger.ONE).min(LONG_MAX).longValueExact();
        record Candidate(long id, BigInteger size, BigInteger entry, BigInteger equity) {
        }
        List<Candidate> candidates = new ArrayList<>();
        accounts.forEach((holder, a) -> {
            Position p = a.positions.get(market);
            if (holder != id && p != null && p.size.signum() == -size.signum()) {
                candidates.add(new Candidate(holder, p.size, p.entry, equity(a, marks)));
            }
        });
        BigInteger m = BigInteger.valueOf(mark);
        candidates.sort(Comparator.comparing((Candidate c) -> c, (x, y) -> {
            BigInteger left = x.size.multiply(m).subtract(x.entry).multiply(x.size.abs())
                    .multiply(y.entry.abs().max(BigInteger.ONE).multiply(y.equity.max(BigInteger.ONE)));
            BigInteger right = y.size.multiply(m).subtract(y.entry).multiply(y.size.abs())
                    .multiply(x.entry.abs().max(BigInteger.ONE).multiply(x.equity.max(BigInteger.ONE)));
            return right.compareTo(left);
        }).thenComparingLong(Candidate::id));
        Side side = size.signum() > 0 ? Side.SELL : Side.BUY;
        long left = n.longValueExact();
        for (Candidate c : candidates) {
            if (left == 0) {
                break;
            }
            long x = Math.min(left, c.size.abs().longValueExact());
            long safe = Math.max(1, Math.min(averageEntry(position(id, market)), averageEntry(position(c.id, market))));
            for (long p : new long[] {bankruptcy, mark, safe}) {
                if (fitsTrade(id, market, side, p, x) && fitsTrade(c.id, market, side.opposite(), p, x)) {
                    trade(id, market, side, p, x, BigInteger.ZERO);
                    trade(c.id, market, side.opposite(), p, x, BigInteger.ZERO);
                    events.add(new RiskEvent.Deleverage(id, c.id, market, side, p, x));
                    left -= x;
                    break;
                }
            }
        }
        if (left != 0) {
            throw new AssertionError("model: " + left + " of account " + id + " found no holder in market " + market);
        }
    }

    private static long averageEntry(Position p) {
        return p.size.signum() == 0 ? 0 : p.entry.divide(p.size).abs().longValueExact();
    }

    // ---------------------------------------------------------------- one side of a trade

    /** Books one side of a trade: size and entry notional, the realized PnL of what it closes, collateral, fee. */
    private void trade(long id, int market, Side side, long price, long size, BigInteger fee) {
        Position p = position(id, market);
        BigInteger[] after = tradeTerms(p, side, price, size);
        Account a = accounts.get(id);
        BigInteger realized = after[2].subtract(p.realized);
        p.size = after[0];
        p.entry = after[1];
        p.realized = after[2];
        a.collateral = a.collateral.add(realized).subtract(fee);
        if (fee.signum() != 0) {
            Account fees = feeAccount();
            fees.collateral = fees.collateral.add(fee);
        }
    }

    /** New {size, entry, realized PnL}; a reduction takes the basis share rounded toward zero. */
    private static BigInteger[] tradeTerms(Position p, Side side, long price, long size) {
        BigInteger d = BigInteger.valueOf(side == Side.BUY ? size : -size);
        BigInteger px = BigInteger.valueOf(price);
        BigInteger s = p.size;
        BigInteger e = p.entry;
        BigInteger realized = BigInteger.ZERO;
        if (s.signum() == 0 || s.signum() == d.signum()) {
            s = s.add(d);
            e = e.add(d.multiply(px));
        } else {
            BigInteger closed = s.abs().min(d.abs());
            BigInteger removed = e.multiply(closed).divide(s.abs());
            BigInteger cash = closed.multiply(px);
            realized = (d.signum() > 0 ? cash.negate() : cash).subtract(removed);
            e = e.subtract(removed);
            s = s.add(d.signum() > 0 ? closed : closed.negate());
            BigInteger opened = d.abs().subtract(closed);
            if (opened.signum() > 0) {
                BigInteger signed = d.signum() > 0 ? opened : opened.negate();
                s = s.add(signed);
                e = e.add(signed.multiply(px));
            }
        }
        return new BigInteger[] {s, e, p.realized.add(realized)};
    }

    private boolean fitsTrade(long id, int market, Side side, long price, long size) {
        Position p = position(id, market);
        BigInteger[] after = tradeTerms(p, side, price, size);
        BigInteger collateral = accounts.get(id).collateral.add(after[2].subtract(p.realized));
        return fits(after[0]) && fits(after[1]) && fits(after[2]) && fits(collateral)
                && fits(BigInteger.valueOf(size).multiply(BigInteger.valueOf(price)));
    }

    // ---------------------------------------------------------------- helpers

    Position position(long id, int market) {
        return accounts.get(id).positions.computeIfAbsent(market, k -> new Position());
    }

    private Account feeAccount() {
        return accounts.computeIfAbsent(Engine.FEE_ACCOUNT_ID, k -> new Account());
    }

    private static void fund(Market m, BigInteger delta) {
        m.risk = m.risk.withInsuranceFund(BigInteger.valueOf(m.risk.insuranceFund()).add(delta).longValueExact());
    }

    private static boolean fits(BigInteger v) {
        return v.bitLength() < 64;
    }

    private static BigInteger ceil(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    private static BigInteger floor(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
}
