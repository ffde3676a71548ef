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

    /** One market's holders, longs and shorts, sorted by trigger. */
    private static final class MarketTriggers {
        final TreeSet<Trigger> longs = new TreeSet<>();
        final TreeSet<Trigger> shorts = new TreeSet<>();
    }

    /**
     * One holder's triggers, one per market where it holds a position, markets ascending: looked
     * up once per examination, however many markets the account trades.
     */
    private static final class Holder {
        int[] markets = new int[0];
        Trigger[] triggers = new Trigger[0];
        boolean[] longs = new boolean[0];

        int slot(int marketId) {
            return java.util.Arrays.binarySearch(markets, marketId);
        }

        void insert(int at, int marketId) {
            int n = markets.length;
            int[] m = new int[n + 1];
            Trigger[] t = new Trigger[n + 1];
            boolean[] l = new boolean[n + 1];
            System.arraycopy(markets, 0, m, 0, at);
            System.arraycopy(triggers, 0, t, 0, at);
            System.arraycopy(longs, 0, l, 0, at);
            System.arraycopy(markets, at, m, at + 1, n - at);
            System.arraycopy(triggers, at, t, at + 1, n - at);
            System.arraycopy(longs, at, l, at + 1, n - at);
            m[at] = marketId;
            markets = m;
            triggers = t;
            longs = l;
        }

        void delete(int at) {
            int n = markets.length;
            int[] m = new int[n - 1];
            Trigger[] t = new Trigger[n - 1];
            boolean[] l = new boolean[n - 1];
            System.arraycopy(markets, 0, m, 0, at);
            System.arraycopy(triggers, 0, t, 0, at);
            System.arraycopy(longs, 0, l, 0, at);
            System.arraycopy(markets, at + 1, m, at, n - at - 1);
            System.arraycopy(triggers, at + 1, t, at, n - at - 1);
            System.arraycopy(longs, at + 1, l, at, n - at - 1);
            markets = m;
            triggers = t;
            longs = l;
        }
    }

    private final TreeMap<Integer, MarketTriggers> markets = new TreeMap<>();
    private final HashMap<Long, Holder> holders = new HashMap<>();
    /** Accounts to examine at the next pass, unsorted and possibly repeated. */
    private long[] pending = new long[64];
    private int pendingCount;

    /** Forgets everything (recovery rebuilds it with {@link #positionChanged}). */
    public void clear() {
        markets.clear();
        holders.clear();
        pendingCount = 0;
    }

    /** An account's position in a market is now {@code size}: it holds it (or no longer does) and is examined next. */
    public void positionChanged(long accountId, int marketId, long size) {
        Holder h = holders.get(accountId);
        int at = h == null ? -1 : h.slot(marketId);
        if (size == 0) {
            if (h != null && at >= 0) {
                setOf(marketId, h.longs[at]).remove(h.triggers[at]);
                h.delete(at);
                if (h.markets.length == 0) {
                    holders.remove(accountId);
                }
            }
        } else {
            boolean isLong = size > 0;
            if (h == null) {
                h = new Holder();
                holders.put(accountId, h);
                at = -1;
            }
            if (at < 0) {
                at = -at - 1;
                h.insert(at, marketId);
                set(h, at, accountId, marketId, isLong, isLong ? ALWAYS_LONG : ALWAYS_SHORT);
            } else if (h.longs[at] != isLong) {
                set(h, at, accountId, marketId, isLong, isLong ? ALWAYS_LONG : ALWAYS_SHORT);
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
        Holder h = holders.get(accountId);
        for (int i = 0; i < marketIds.length; i++) {
            if (sizes[i] == 0) {
                continue;
            }
            int at = h == null ? -1 : h.slot(marketIds[i]);
            boolean isLong = sizes[i] > 0;
            if (at < 0 || h.longs[at] != isLong) {
                throw new IllegalStateException("account " + accountId + " holds a position in market " + marketIds[i]
                        + " that the liquidation index does not know");
            }
            long trigger = trigger(isLong, marks[i], safeMoves[i]);
            if (h.triggers[at].price() != trigger) { // most re-examinations leave a well-margined holder's trigger where it was
                set(h, at, accountId, marketIds[i], isLong, trigger);
            }
        }
    }

    /** Puts the holder's trigger of the market at slot {@code at}, replacing the one it had. */
    private void set(Holder h, int at, long accountId, int marketId, boolean isLong, long price) {
        if (h.triggers[at] != null) {
            setOf(marketId, h.longs[at]).remove(h.triggers[at]);
        }
        Trigger t = new Trigger(price, accountId);
        h.triggers[at] = t;
        h.longs[at] = isLong;
        setOf(marketId, isLong).add(t);
    }

    private TreeSet<Trigger> setOf(int marketId, boolean isLong) {
        MarketTriggers m = markets.computeIfAbsent(marketId, k -> new MarketTriggers());
        return isLong ? m.longs : m.shorts;
    }

    /**
     * The accounts to examine at these marks, ascending and distinct: every pending one (the
     * pending list is emptied) and every holder whose trigger the market's mark has passed.
     */
    public long[] toExamine(int[] marketIds, long[] marks) {
        for (int i = 0; i < marketIds.length; i++) {
            MarketTriggers m = markets.get(marketIds[i]);
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
        MarketTriggers m = markets.get(marketId);
        if (m == null) {
            return new long[0];
        }
        long[] ids = (longs ? m.longs : m.shorts).stream().mapToLong(Trigger::accountId).toArray();
        Arrays.sort(ids);
        return ids;
    }

    /** How many accounts hold a position in each market (for metrics and tests). */
    public Map<Integer, Integer> holderCounts() {
        Map<Integer, Integer> out = new TreeMap<>();
        markets.forEach((id, m) -> out.put(id, m.longs.size() + m.shorts.size()));
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
