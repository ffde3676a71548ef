package io.dexnode.engine;

import java.util.Arrays;
import java.util.HashMap;

/**
 * Each account's active orders, derived from state and rebuilt by recovery: the ids (for
 * cancel_all and account views) and the client order ids (unique among an account's active
 * orders, usable wherever an order id is). Per account an open-addressing set of primitive ids:
 * adding and removing are O(1) without boxing, which matters when recovery indexes a million
 * orders; ids are sorted only when asked for, so iteration order never depends on hashing.
 */
final class AccountOrderIndex {
    private final HashMap<Long, LongSet> byAccount = new HashMap<>();
    private final HashMap<Long, HashMap<String, Long>> byClientId = new HashMap<>();
    private final HashMap<Long, String> clientIdOfOrder = new HashMap<>();

    void add(long accountId, long orderId, String clientOrderId) {
        byAccount.computeIfAbsent(accountId, k -> new LongSet()).add(orderId);
        if (clientOrderId != null) {
            byClientId.computeIfAbsent(accountId, k -> new HashMap<>()).put(clientOrderId, orderId);
            clientIdOfOrder.put(orderId, clientOrderId);
        }
    }

    void remove(long accountId, long orderId, String clientOrderId) {
        LongSet set = byAccount.get(accountId);
        if (set != null && set.remove(orderId) && set.size == 0) {
            byAccount.remove(accountId);
        }
        if (clientOrderId != null) {
            HashMap<String, Long> ids = byClientId.get(accountId);
            if (ids != null && ids.remove(clientOrderId, orderId) && ids.isEmpty()) {
                byClientId.remove(accountId);
            }
            clientIdOfOrder.remove(orderId, clientOrderId);
        }
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
        LongSet set = byAccount.get(accountId);
        if (set == null) {
            return new long[0];
        }
        long[] ids = set.toArray();
        Arrays.sort(ids);
        return ids;
    }

    void clear() {
        byAccount.clear();
        byClientId.clear();
        clientIdOfOrder.clear();
    }

    /** Linear-probing set of positive longs (0 marks an empty slot), backward-shift deletion. */
    static final class LongSet {
        private long[] slots = new long[8];
        int size;

        void add(long v) {
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            int i = index(v, mask);
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            size++;
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
}
