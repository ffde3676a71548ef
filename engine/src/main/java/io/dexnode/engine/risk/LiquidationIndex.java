package io.dexnode.engine.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which accounts the risk pass must examine: those whose position or collateral changed since
 * they were last examined (pending), and those a move of a mark may have put below maintenance.
 * For the latter each holder of a position has, per market, a trigger price from its last
 * examination: the mark minus (long) or plus (short) its {@link AccountHealth#safeMove}. A long is
 * examined once the mark is below its trigger, a short once it is above; until then no
 * combination of mark moves within the triggers can put it below. So a block that moves a mark by
 * a tick examines the few accounts within a tick of their trigger, not every holder.
 *
 * <p>It is derived from state and kept in memory: membership (who holds a position in which
 * market, and on which side) is exact at all times, as funding and auto-deleveraging need; the
 * triggers only decide what is examined, and examining more changes nothing, so after a restart
 * every holder starts pending. Iteration is in price then account order, never hash order.
 */
public final class LiquidationIndex {
    /** A trigger that fires at any mark: for a holder not yet examined. */
    private static final long ALWAYS_LONG = Long.MAX_VALUE;
    private static final long ALWAYS_SHORT = Long.MIN_VALUE;

    private record Trigger(long price, long accountId) implements Comparable<Trigger> {
        @Override
        public int compareTo(Trigger o) {
            int c = Long.compare(price, o.price);
            return c != 0 ? c : Long.compare(accountId, o.accountId);
        }
    }

    /** One market's holders: longs and shorts by trigger, and each holder's current trigger. */
    private static final class MarketIndex {
        final TreeSet<Trigger> longs = new TreeSet<>();
        final TreeSet<Trigger> shorts = new TreeSet<>();
        final HashMap<Long, Trigger> longOf = new HashMap<>();
        final HashMap<Long, Trigger> shortOf = new HashMap<>();

        void remove(long accountId) {
            Trigger t = longOf.remove(accountId);
            if (t != null) {
                longs.remove(t);
            }
            t = shortOf.remove(accountId);
            if (t != null) {
                shorts.remove(t);
            }
        }

        void put(long accountId, boolean isLong, long price) {
            Trigger had = (isLong ? longOf : shortOf).get(accountId);
            if (had != null && had.price == price) {
                return; // most re-examinations leave a well-margined holder's trigger where it was
            }
            remove(accountId);
            Trigger t = new Trigger(price, accountId);
            if (isLong) {
                longs.add(t);
                longOf.put(accountId, t);
            } else {
                shorts.add(t);
                shortOf.put(accountId, t);
            }
        }
    }

    private final TreeMap<Integer, MarketIndex> markets = new TreeMap<>();
    /** Accounts to examine at the next pass, unsorted and possibly repeated. */
    private long[] pending = new long[64];
    private int pendingCount;

    /** Forgets everything (recovery rebuilds it with {@link #positionChanged}). */
    public void clear() {
        markets.clear();
        pendingCount = 0;
    }

    /** An account's position in a market is now {@code size}: it holds it (or no longer does) and is examined next. */
    public void positionChanged(long accountId, int marketId, long size) {
        MarketIndex m = markets.computeIfAbsent(marketId, k -> new MarketIndex());
        if (size == 0) {
            m.remove(accountId);
        } else {
            boolean isLong = size > 0;
            Trigger held = (isLong ? m.longOf : m.shortOf).get(accountId);
            if (held == null) {
                m.put(accountId, isLong, isLong ? ALWAYS_LONG : ALWAYS_SHORT);
            }
        }
        touch(accountId);
    }

    /** The account's collateral or position changed: it is examined at the next pass. */
    public void touch(long accountId) {
        if (pendingCount == pending.length) {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        pending[pendingCount++] = accountId;
    }

    /**
     * After an examination that found the account not below: its triggers, one per market where it
     * holds a position ({@code sizes[i] != 0}), at {@code marks[i]} ∓ {@code safeMoves[i]}.
     */
    public void reindex(long accountId, int[] marketIds, long[] sizes, long[] marks, long[] safeMoves) {
        for (int i = 0; i < marketIds.length; i++) {
            MarketIndex m = markets.get(marketIds[i]);
            if (sizes[i] == 0) {
                if (m != null) {
                    m.remove(accountId);
                }
                continue;
            }
            if (m == null) {
                throw new IllegalStateException("account " + accountId + " holds a position in market " + marketIds[i]
                        + " that the liquidation index does not know");
            }
            boolean isLong = sizes[i] > 0;
            m.put(accountId, isLong, trigger(isLong, marks[i], safeMoves[i]));
        }
    }

    /**
     * The accounts to examine at these marks, ascending and distinct: every pending one (the
     * pending list is emptied) and every holder whose trigger the market's mark has passed.
     */
    public long[] toExamine(int[] marketIds, long[] marks) {
        for (int i = 0; i < marketIds.length; i++) {
            MarketIndex m = markets.get(marketIds[i]);
            if (m == null || marks[i] <= 0) {
                continue;
            }
            for (Trigger t : m.longs.tailSet(new Trigger(marks[i], Long.MAX_VALUE), false)) {
                touch(t.accountId());
            }
            for (Trigger t : m.shorts.headSet(new Trigger(marks[i], Long.MIN_VALUE), false)) {
                touch(t.accountId());
            }
        }
        return drainPending();
    }

    /** The pending accounts, ascending and distinct; the pending list is emptied. */
    public long[] drainPending() {
        long[] out = Arrays.copyOf(pending, pendingCount);
        pendingCount = 0;
        Arrays.sort(out);
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (i == 0 || out[i] != out[i - 1]) {
                out[n++] = out[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The holders of long (or short) positions in a market, ascending by account id. */
    public long[] holders(int marketId, boolean longs) {
        MarketIndex m = markets.get(marketId);
        if (m == null) {
            return new long[0];
        }
        long[] ids = (longs ? m.longOf : m.shortOf).keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(ids);
        return ids;
    }

    /** How many accounts hold a position in each market (for metrics and tests). */
    public Map<Integer, Integer> holderCounts() {
        Map<Integer, Integer> out = new TreeMap<>();
        markets.forEach((id, m) -> out.put(id, m.longOf.size() + m.shortOf.size()));
        return out;
    }

    /** Every (market, account) the index holds a position for, as "market/account" (for tests). */
    public List<String> members() {
        List<String> out = new ArrayList<>();
        markets.forEach((id, m) -> {
            for (long a : holders(id, true)) {
                out.add(id + "/" + a);
            }
            for (long a : holders(id, false)) {
                out.add(id + "/" + a);
            }
        });
        return out;
    }

    /**
     * The trigger of a position marked at {@code mark} that may move {@code safe} against it: the
     * mark minus (long) or plus (short) that move, moved toward the mark to a power of two when one
     * lies in between. That is as sound (it fires no later) and stays put while the account's
     * headroom and the mark change a little, so re-examining a well-margined holder rarely touches
     * the index. A long's trigger at or below 0 never fires.
     */
    static long trigger(boolean isLong, long mark, long safe) {
        if (isLong) {
            long exact = subtractSaturated(mark, safe);
            if (exact <= 0) {
                return Long.MIN_VALUE;
            }
            long power = Long.highestOneBit(exact);
            long rounded = power == exact ? exact : power << 1;
            return rounded > 0 && rounded <= mark ? rounded : exact;
        }
        long exact = addSaturated(mark, safe);
        long rounded = Long.highestOneBit(exact);
        return rounded >= mark ? rounded : exact;
    }

    private static long subtractSaturated(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long addSaturated(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
