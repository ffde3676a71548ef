package io.dexnode.state;

/**
 * Big-endian helpers and the rules for which versions may be committed and read, shared by both
 * stores so they refuse exactly the same things with the same words.
 */
final class Versions {
    private Versions() {}

    static void putLongBE(byte[] out, int offset, long v) {
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLongBE(byte[] in, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[offset + i] & 0xFF);
        }
        return v;
    }

    static byte[] longBE(long v) {
        byte[] out = new byte[8];
        putLongBE(out, 0, v);
        return out;
    }

    /** Throws unless {@code version} may follow {@code latest}. */
    static void checkNext(long version, long latest) {
        if (version < 0) {
            throw new StateException("version " + version + " is negative");
        }
        if (version <= latest) {
            throw new StateException("version " + version + " is not after the latest committed version " + latest);
        }
    }

    /** Throws unless reads at {@code version} are possible (committed range, not pruned). */
    static void checkReadable(long version, long oldest, long latest) {
        if (latest == StateStore.NO_VERSION) {
            throw new StateException("version " + version + " is not committed; the store is empty");
        }
        if (version > latest || version < 0) {
            throw new StateException("version " + version + " is not committed; latest is " + latest);
        }
        if (version < oldest) {
            throw new StateException("version " + version + " pruned; oldest retained is " + oldest);
        }
    }
}
