package io.dexnode.node.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Public keys already decoded to curve points, so that a trader's next signature skips the
 * decoding (a square root in the field: about a tenth of a verification here). Direct-mapped and
 * bounded: {@link #SLOTS} entries, a key's slot chosen by its bytes, a newcomer replacing whoever
 * held its slot — keys that collide (even on purpose) only cost each other the decoding again.
 * Keys that do not decode are not kept.
 *
 * <p>Decoding here checks exactly what verifying with the raw key checks first (the canonical
 * encoding, then the point on the curve), so a verdict never depends on whether the key was cached
 * ({@code DecodedKeysTest}). Thread-safe without locks: an entry's key and point are fixed and the
 * entry is published whole; a reader that sees a stale or missing one decodes again.
 */
final class DecodedKeys {
    /** Slots: a power of two; ~200 bytes each when full (the key, its point, the entry). */
    static final int SLOTS = 4096;

    /** A decoded key, and what {@link KeyTables} keeps of it: its comb table and how often it verified. */
    static final class Entry {
        final byte[] key;
        final PublicPoint point;
        /**
         * Verifications that passed since the key last competed for a table, or while it holds one
         * (halved as others compete). A plain int: concurrent increments may lose a count, which only
         * delays a competition.
         */
        int passes;
        /** The comb table of −A while the key holds one; null otherwise. */
        volatile CombTable table;
        /** Guarded by the {@link KeyTables}: the key holds one of its places (its table may still be in the making). */
        boolean holding;
        /**
         * Whether {@link KeyTables} has looked for another entry of this key holding a table (an entry
         * this cache replaced), to take it over. A plain boolean: a second look is harmless.
         */
        boolean lookedForTable;
        /** The key can have no table (BouncyCastle's full validation refuses it): it never competes. */
        volatile boolean tableless;

        Entry(byte[] key, PublicPoint point) {
            this.key = key;
            this.point = point;
        }
    }

    private final Entry[] slots = new Entry[SLOTS];

    /** The decoded entry of the 32-byte {@code rawKey}, or null when it is not a valid public key. */
    Entry entry(byte[] rawKey) {
        int slot = slot(rawKey);
        Entry e = slots[slot];
        if (e != null && Arrays.equals(e.key, rawKey)) {
            return e;
        }
        PublicPoint p = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(rawKey, 0);
        if (p == null) {
            return null;
        }
        e = new Entry(rawKey.clone(), p);
        slots[slot] = e;
        return e;
    }

    /** The point of the 32-byte {@code rawKey}, or null when it is not a valid public key. */
    PublicPoint point(byte[] rawKey) {
        Entry e = entry(rawKey);
        return e == null ? null : e.point;
    }

    /** The slot of a key: its last four bytes (the y coordinate's high bits, uniform over valid keys). */
    static int slot(byte[] rawKey) {
        int n = rawKey.length;
        int h = (rawKey[n - 4] & 0xFF) | (rawKey[n - 3] & 0xFF) << 8 | (rawKey[n - 2] & 0xFF) << 16 | rawKey[n - 1] << 24;
        h ^= h >>> 16;
        return h & (SLOTS - 1);
    }
}
