package io.dexnode.node.crypto;

import io.dexnode.node.crypto.DecodedKeys.Entry;
import java.util.Arrays;

/**
 * Which public keys get a {@link CombTable} (120 KiB each), and verification through it. At most
 * {@link #capacity()} keys hold one; a key competes for a place once {@link #EARN} of its
 * signatures have passed BouncyCastle's verification, so a table is built only for a key that
 * keeps signing (a market maker's), never for one that merely shows up — and building costs a few
 * milliseconds once. A competitor takes a free place, else the place of the holder with the fewest
 * passes if that is fewer than its own; a loser starts counting again. Every competition halves the
 * holders' counts, so a key that stopped signing loses its place to one that signs now, while a
 * busy holder keeps it. A place and its table belong to the key, not to its decoded entry: a key
 * decoded again (its entry replaced in {@link DecodedKeys}, even by a key made to share its slot)
 * takes them over at its next verification. With capacity 0 (the default) no table is built and
 * every signature is BouncyCastle's alone.
 *
 * <p>What a table changes is speed only: {@link #verify} answers true on {@link CombTable#accepts},
 * which implies BouncyCastle's acceptance, and otherwise BouncyCastle's verdict. Thread-safe: the
 * places change under this object's lock (rarely: once per {@code EARN} passes of a key without a
 * table); verification itself takes no lock.
 */
final class KeyTables {
    /** Passed verifications after which a key without a table competes for one. */
    static final int EARN = 64;

    /** Replaced under the lock; read without it by {@link #verify}, which only asks whether there are places. */
    private volatile Entry[] holders;
    private int evictions;

    KeyTables(int capacity) {
        holders = new Entry[requireCapacity(capacity)];
    }

    /**
     * Whether {@code signature} is valid for the entry's key over the message bytes: BouncyCastle's
     * verdict, reached through the key's table when it has one and the table accepts.
     */
    boolean verify(Entry e, byte[] message, int offset, int length, byte[] signature) {
        CombTable table = e.table;
        if (table == null && !e.lookedForTable && holders.length > 0) {
            e.lookedForTable = true;
            table = takeOverFromSameKey(e);
        }
        if (table != null && table.accepts(message, offset, length, signature)) {
            e.passes++;
            return true;
        }
        if (!org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, e.point, message, offset, length)) {
            return false;
        }
        if (table == null && holders.length > 0 && !e.tableless && ++e.passes >= EARN && compete(e)) {
            build(e);
        }
        return true;
    }

    private void build(Entry e) {
        CombTable table = CombTable.ofNegatedKey(e.key);
        synchronized (this) {
            if (table == null) {
                e.tableless = true;
                release(e);
            } else if (e.holding) {
                e.table = table;
            }
        }
    }

    /**
     * A key decoded again (its earlier entry pushed out of {@link DecodedKeys}, perhaps by a key made
     * to share its slot) takes over the place and table its earlier entry holds, so that it neither
     * earns a second place nor loses its table. Scanned without the lock (entries' keys are fixed);
     * the lock only to take over. Null when no other entry of the key holds a built table.
     */
    private CombTable takeOverFromSameKey(Entry e) {
        if (sameKeyHolder(e) < 0) {
            return null;
        }
        synchronized (this) {
            int i = sameKeyHolder(e);
            if (i < 0 || holders[i].table == null) {
                return null; // gone meanwhile, or its table still being built: the key competes as usual
            }
            Entry earlier = holders[i];
            holders[i] = e;
            e.holding = true;
            e.passes = earlier.passes;
            e.table = earlier.table;
            drop(earlier);
            return e.table;
        }
    }

    /** The place of another entry of {@code e}'s key, or -1. */
    private int sameKeyHolder(Entry e) {
        Entry[] now = holders;
        for (int i = 0; i < now.length; i++) {
            Entry h = now[i];
            if (h != null && h != e && Arrays.equals(h.key, e.key)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code e} now holds a place (its table to be built by the caller). */
    private synchronized boolean compete(Entry e) {
        if (e.holding) {
            return false;
        }
        if (sameKeyHolder(e) >= 0) {
            // Another entry of this key holds a place (its table was being built when e first looked):
            // no second place; e looks for that table again at its next verification.
            e.passes = 0;
            e.lookedForTable = false;
            return false;
        }
        int place = -1;
        for (int i = 0; i < holders.length; i++) {
            if (holders[i] == null) {
                place = i;
                break;
            }
            if (place < 0 || holders[i].passes < holders[place].passes) {
                place = i;
            }
        }
        boolean won = place >= 0 && (holders[place] == null || holders[place].passes < e.passes);
        if (won) {
            if (holders[place] != null) {
                drop(holders[place]);
                evictions++;
            }
            holders[place] = e;
            e.holding = true;
        } else {
            e.passes = 0;
        }
        for (Entry h : holders) {
            if (h != null && h != e) {
                h.passes >>= 1;
            }
        }
        return won;
    }

    private void release(Entry e) {
        for (int i = 0; i < holders.length; i++) {
            if (holders[i] == e) {
                holders[i] = null;
                drop(e);
            }
        }
    }

    private static void drop(Entry e) {
        e.holding = false;
        e.table = null;
        e.passes = 0;
    }

    /** Keeps at most {@code capacity} tables from now on, dropping the least used ones past it. */
    synchronized void capacity(int capacity) {
        requireCapacity(capacity);
        while (held() > capacity) {
            Entry least = null;
            for (Entry h : holders) {
                if (h != null && (least == null || h.passes < least.passes)) {
                    least = h;
                }
            }
            release(least);
        }
        Entry[] resized = new Entry[capacity];
        int n = 0;
        for (Entry h : holders) {
            if (h != null) {
                resized[n++] = h;
            }
        }
        holders = resized;
    }

    synchronized int capacity() {
        return holders.length;
    }

    /** Keys holding a place now. */
    synchronized int held() {
        int n = 0;
        for (Entry h : holders) {
            if (h != null) {
                n++;
            }
        }
        return n;
    }

    /** Holders that lost their place to a busier key, since this was made. */
    synchronized int evictions() {
        return evictions;
    }

    private static int requireCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("need --key-tables >= 0, got " + capacity);
        }
        return capacity;
    }
}
