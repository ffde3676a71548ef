package io.dexnode.jmt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian and varint helpers shared by the encodings of this package. */
final class Bytes {
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    static void putLongBE(byte[] b, int off, long v) {
        LONG_BE.set(b, off, v);
    }

    static long getLongBE(byte[] b, int off) {
        return (long) LONG_BE.get(b, off);
    }
}
