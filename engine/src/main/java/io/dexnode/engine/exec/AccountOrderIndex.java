package io.dexnode.engine.exec;

import io.dexnode.engine.recovery.BookDigest;
import io.dexnode.engine.recovery.RestingOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Each account's active orders, derived from state and rebuilt by recovery: the ids (for
 * cancel_all and account views), how many rest in each market (for the per-market cap,
 * {@code MarketParams.maxOpenOrders}) and the client order ids (unique among an account's active
 * orders, usable wherever an order id is). Per account an open-addressing set of primitive ids:
 * adding and removing are O(1) without boxing, which matters when recovery indexes a million
 * orders; ids are sorted only when asked for, so iteration order never depends on hashing.
 *
 * <p>The counts are a function of committed state (the ActiveOrder entries of the account's
 * orders), like everything here, so every node and every replay judges the cap alike. Invariant:
 * {@code openOrders(a, m)} is the number of ids of {@code a} whose order rests in market {@code m}.
 */
final class AccountOrderIndex {
    private final HashMap<Long, AccountOrders> byAccount = new HashMap<>();
    private final HashMap<Long, HashMap<String, Long>> byClientId = new HashMap<>();
    /**
     * Client order id by order id: primitive keys, so a warm snapshot's capture (one lookup per
     * resting order, between blocks) does not box each id and chase a node and its key per lookup.
     */
    private final LongMap<String> clientIdOfOrder = new LongMap<>();

    void add(long accountId, int marketId, long orderId, String clientOrderId) {
        AccountOrders orders = byAccount.computeIfAbsent(accountId, k -> new AccountOrders(new LongSet()));
        if (orders.ids.add(orderId)) {
            orders.count(marketId, 1);
        }
        if (clientOrderId != null) {
            byClientId.computeIfAbsent(accountId, k -> new HashMap<>()).put(clientOrderId, orderId);
            clientIdOfOrder.put(orderId, clientOrderId);
        }
    }

    /**
     * Adds many orders at once (recovery, into an empty index): accounts are split into shards
     * filled in parallel, and each account's set is sized once for all its orders.
     */
    void addAll(List<List<RestingOrder>> orders) {
        int shards = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
        int total = 0;
        for (List<RestingOrder> list : orders) {
            total += list.size();
        }
        Loading[] accountOf = new Loading[total];
        List<LongMap<AccountOrders>> built = IntStream.range(0, shards).parallel()
                .mapToObj(shard -> shard(orders, shard, shards, accountOf)).toList();
        for (LongMap<AccountOrders> shard : built) {
            shard.forEach((accountId, loaded) -> {
                AccountOrders had = byAccount.putIfAbsent(accountId, loaded);
                if (had != null) {
                    loaded.ids.forEach(had.ids::add);
                    for (int i = 0; i < loaded.markets.length; i++) {
                        had.count(loaded.markets[i], loaded.counts[i]);
                    }
                }
            });
        }
        for (List<RestingOrder> list : orders) {
            for (RestingOrder o : list) {
                if (o.clientOrderId() != null) {
                    byClientId.computeIfAbsent(o.accountId(), k -> new HashMap<>()).put(o.clientOrderId(), o.orderId());
                    clientIdOfOrder.put(o.orderId(), o.clientOrderId());
                }
            }
        }
    }

    /**
     * The orders of the accounts of one shard: counted first, so that no set grows; each account's
     * market ids are gathered, sorted and run-length counted once (growing its per-market arrays one
     * market at a time would copy them once per market it trades in). One lookup of the account per
     * order and pass: the first pass leaves each order's account in {@code accountOf}, which the
     * shards share (each writes only the positions of its own orders).
     */
    private static LongMap<AccountOrders> shard(List<List<RestingOrder>> orders, int shard, int shards, Loading[] accountOf) {
        LongMap<Loading> loading = new LongMap<>();
        int at = 0;
        for (List<RestingOrder> list : orders) {
            for (RestingOrder o : list) {
                if (shardOf(o.accountId(), shards) == shard) {
                    Loading a = loading.get(o.accountId());
                    if (a == null) {
                        loading.put(o.accountId(), a = new Loading());
                    }
                    a.orders++;
                    accountOf[at] = a;
                }
                at++;
            }
        }
        LongMap<AccountOrders> sets = new LongMap<>();
        loading.forEach((accountId, a) -> {
            a.loaded = new AccountOrders(new LongSet(a.orders));
            a.marketIds = new int[a.orders];
            sets.put(accountId, a.loaded);
        });
        at = 0;
        for (List<RestingOrder> list : orders) {
            for (RestingOrder o : list) {
                if (shardOf(o.accountId(), shards) == shard) {
                    Loading a = accountOf[at];
                    if (a.loaded.ids.add(o.orderId())) {
                        a.marketIds[a.gathered++] = o.marketId();
                    }
                }
                at++;
            }
        }
        loading.forEach((accountId, a) -> a.loaded.countAll(a.marketIds, a.gathered));
        return sets;
    }

    /** One account while a shard loads: its orders counted, then its set and market ids gathered. */
    private static final class Loading {
        int orders;
        int gathered;
        AccountOrders loaded;
        int[] marketIds;
    }

    private static int shardOf(long accountId, int shards) {
        return (int) ((BookDigest.mix(accountId) >>> 33) % shards);
    }

    void remove(long accountId, int marketId, long orderId, String clientOrderId) {
        AccountOrders orders = byAccount.get(accountId);
        if (orders != null && orders.ids.remove(orderId)) {
            if (orders.ids.size == 0) {
                byAccount.remove(accountId);
            } else {
                orders.count(marketId, -1);
            }
        }
        if (clientOrderId != null) {
            HashMap<String, Long> ids = byClientId.get(accountId);
            if (ids != null && ids.remove(clientOrderId, orderId) && ids.isEmpty()) {
                byClientId.remove(accountId);
            }
            if (clientOrderId.equals(clientIdOfOrder.get(orderId))) {
                clientIdOfOrder.remove(orderId);
            }
        }
    }

    /** How many active orders the account has resting in the market. */
    int openOrders(long accountId, int marketId) {
        AccountOrders orders = byAccount.get(accountId);
        return orders == null ? 0 : orders.count(marketId);
    }

    /** The account's active order with this client order id, or null. */
    Long byClientId(long accountId, String clientOrderId) {
        HashMap<String, Long> ids = byClientId.get(accountId);
        return ids == null ? null : ids.get(clientOrderId);
    }

    /** The client order id of an active order, or null. */
    String clientIdOf(long orderId) {
        return clientIdOfOrder.get(orderId);
    }

    /** The account's active order ids, ascending. */
    long[] sorted(long accountId) {
        AccountOrders orders = byAccount.get(accountId);
        if (orders == null) {
            return new long[0];
        }
        long[] ids = orders.ids.toArray();
        Arrays.sort(ids);
        return ids;
    }

    void clear() {
        byAccount.clear();
        byClientId.clear();
        clientIdOfOrder.clear();
    }

    /**
     * One account's active order ids and, per market it rests orders in, how many: markets sorted
     * ascending in a small array (an account trades in a few markets), entries kept at count 0.
     */
    static final class AccountOrders {
        private static final int[] NONE = new int[0];
        final LongSet ids;
        int[] markets = NONE;
        int[] counts = NONE;

        AccountOrders(LongSet ids) {
            this.ids = ids;
        }

        int count(int marketId) {
            int at = Arrays.binarySearch(markets, marketId);
            return at < 0 ? 0 : counts[at];
        }

        /** Sets the counts, into empty arrays, from the market ids of {@code n} orders (reordered). */
        void countAll(int[] marketIds, int n) {
            Arrays.sort(marketIds, 0, n);
            int distinct = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || marketIds[i] != marketIds[i - 1]) {
                    distinct++;
                }
            }
            markets = new int[distinct];
            counts = new int[distinct];
            for (int i = 0, at = -1; i < n; i++) {
                if (i == 0 || marketIds[i] != marketIds[i - 1]) {
                    markets[++at] = marketIds[i];
                }
                counts[at]++;
            }
        }

        void count(int marketId, int delta) {
            int at = Arrays.binarySearch(markets, marketId);
            if (at < 0) {
                at = -at - 1;
                markets = insert(markets, at, marketId);
                counts = insert(counts, at, 0);
            }
            counts[at] += delta;
            if (counts[at] < 0) {
                throw new IllegalStateException("open-order count of market " + marketId + " went negative");
            }
        }

        private static int[] insert(int[] a, int at, int v) {
            int[] b = new int[a.length + 1];
            System.arraycopy(a, 0, b, 0, at);
            b[at] = v;
            System.arraycopy(a, at, b, at + 1, a.length - at);
            return b;
        }
    }

    /** Linear-probing set of positive longs (0 marks an empty slot), backward-shift deletion. */
    static final class LongSet {
        private long[] slots;
        int size;

        LongSet() {
            slots = new long[8];
        }

        /** A set that holds {@code expected} ids without growing. */
        LongSet(int expected) {
            // the smallest power of two that keeps the load at most one half
            slots = new long[Math.max(8, Integer.highestOneBit(2 * (Math.max(0, expected) + 1) - 1) << 1)];
        }

        void forEach(java.util.function.LongConsumer action) {
            for (long v : slots) {
                if (v != 0) {
                    action.accept(v);
                }
            }
        }

        /** Adds {@code v}; false if it was there. */
        boolean add(long v) {
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            int i = index(v, mask);
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            size++;
            return true;
        }

        boolean remove(long v) {
            int mask = slots.length - 1;
            int i = index(v, mask);
            while (slots[i] != v) {
                if (slots[i] == 0) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            int hole = i;
            int j = (i + 1) & mask;
            while (slots[j] != 0) {
                int home = index(slots[j], mask);
                // move slots[j] into the hole if its home is not cyclically within (hole, j]
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    slots[hole] = slots[j];
                    hole = j;
                }
                j = (j + 1) & mask;
            }
            slots[hole] = 0;
            size--;
            return true;
        }

        long[] toArray() {
            long[] out = new long[size];
            int n = 0;
            for (long v : slots) {
                if (v != 0) {
                    out[n++] = v;
                }
            }
            return out;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            size = 0;
            for (long v : old) {
                if (v != 0) {
                    add(v);
                }
            }
        }

        private static int index(long v, int mask) {
            return (int) BookDigest.mix(v) & mask;
        }
    }

    /**
     * Linear-probing map from long keys to objects, without boxing. Invariant: every key sits at
     * or after its home slot with no free slot in between (removal shifts later entries back to
     * keep it); the table is at most half full.
     */
    static final class LongMap<V> {
        private long[] keys = new long[64];
        private Object[] values = new Object[64];
        private boolean[] used = new boolean[64];
        private int size;

        int size() {
            return size;
        }

        void clear() {
            keys = new long[64];
            values = new Object[64];
            used = new boolean[64];
            size = 0;
        }

        /** Removes {@code key}'s entry; returns its value, or null if there was none. */
        @SuppressWarnings("unchecked")
        V remove(long key) {
            int mask = keys.length - 1;
            for (int i = (int) BookDigest.mix(key) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] != key) {
                    continue;
                }
                V old = (V) values[i];
                int hole = i;
                for (int j = (i + 1) & mask; used[j]; j = (j + 1) & mask) {
                    int home = (int) BookDigest.mix(keys[j]) & mask;
                    // The entry at j may fill the hole when the hole lies between its home and j.
                    if (((j - home) & mask) >= ((j - hole) & mask)) {
                        keys[hole] = keys[j];
                        values[hole] = values[j];
                        hole = j;
                    }
                }
                used[hole] = false;
                values[hole] = null;
                keys[hole] = 0;
                size--;
                return old;
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        V get(long key) {
            int mask = keys.length - 1;
            for (int i = (int) BookDigest.mix(key) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return (V) values[i];
                }
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        void put(long key, V value) {
            if ((size + 1) * 2 > keys.length) {
                long[] oldKeys = keys;
                Object[] oldValues = values;
                boolean[] oldUsed = used;
                keys = new long[oldKeys.length * 2];
                values = new Object[oldKeys.length * 2];
                used = new boolean[oldKeys.length * 2];
                size = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldUsed[i]) {
                        put(oldKeys[i], (V) oldValues[i]);
                    }
                }
            }
            int mask = keys.length - 1;
            int i = (int) BookDigest.mix(key) & mask;
            while (used[i] && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                keys[i] = key;
                size++;
            }
            values[i] = value;
        }

        @SuppressWarnings("unchecked")
        void forEach(java.util.function.BiConsumer<Long, V> action) {
            for (int i = 0; i < keys.length; i++) {
                if (used[i]) {
                    action.accept(keys[i], (V) values[i]);
                }
            }
        }
    }
}
