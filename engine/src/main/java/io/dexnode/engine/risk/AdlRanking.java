package io.dexnode.engine.risk;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which auto-deleveraging takes opposite positions: the most profitable and most
 * leveraged first. A holder's score is its profit ratio times its leverage,
 * (unrealized PnL / |entry notional|) × (|size| × mark / max(equity, 1)), compared exactly
 * as fractions; equal scores go by account id, ascending. Holders at a loss score below zero and
 * come last, the smallest loss first.
 */
public final class AdlRanking {
    /** An opposite position's holder as ranked: its position in the market and its equity at the marks. */
    public record Candidate(long accountId, long size, long entryNotional, BigInteger equity) {
    }

    private AdlRanking() {
    }

    /** {@code candidates} in deleveraging order, for a market marked at {@code mark}. */
    public static List<Candidate> rank(List<Candidate> candidates, long mark) {
        List<Candidate> out = new ArrayList<>(candidates);
        BigInteger m = BigInteger.valueOf(mark);
        out.sort(Comparator.comparing((Candidate c) -> c, (x, y) -> {
            // score = upnl × |size| × mark / (|entry| × max(equity, 1)); compare x and y by cross-multiplying
            BigInteger left = upnl(x, m).multiply(BigInteger.valueOf(Math.abs(x.size())))
                    .multiply(denominator(y));
            BigInteger right = upnl(y, m).multiply(BigInteger.valueOf(Math.abs(y.size())))
                    .multiply(denominator(x));
            return right.compareTo(left); // higher score first
        }).thenComparingLong(Candidate::accountId));
        return out;
    }

    private static BigInteger upnl(Candidate c, BigInteger mark) {
        return BigInteger.valueOf(c.size()).multiply(mark).subtract(BigInteger.valueOf(c.entryNotional()));
    }

    private static BigInteger denominator(Candidate c) {
        return BigInteger.valueOf(Math.abs(c.entryNotional())).max(BigInteger.ONE).multiply(c.equity().max(BigInteger.ONE));
    }
}
