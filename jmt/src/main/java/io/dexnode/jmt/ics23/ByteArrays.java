package io.dexnode.jmt.ics23;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Equality, hashing and printing for the byte-array fields of the ICS23 records. */
final class ByteArrays {
    private ByteArrays() {}

    static byte[] copy(byte[] b) {
        return b == null ? new byte[0] : b.clone();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static boolean startsWith(byte[] data, byte[] prefix) {
        return prefix.length <= data.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    static <T> List<T> listOf(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }
}
