package io.dexnode.jmt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian and varint helpers shared by the encodings of this package. */
final class Bytes {
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    /** A 64-bit finalizer (Stafford's mix13): every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static void putLongBE(byte[] b, int off, long v) {
        LONG_BE.set(b, off, v);
    }

    static long getLongBE(byte[] b, int off) {
        return (long) LONG_BE.get(b, off);
    }
}
