package io.dexnode.engine.schema;

import java.nio.charset.StandardCharsets;

/**
 * Reads value records written by {@link ValueWriter}. A malformed record is corruption of state,
 * so every problem is an {@link IllegalStateException} naming the record kind.
 */
final class ValueReader {
    private final byte[] in;
    private final String kind;
    private final int format;
    private int pos;

    ValueReader(byte[] in, String kind, byte expectedFormat) {
        this(in, kind, expectedFormat, expectedFormat);
    }

    /** A reader of a record kind whose decoder still reads the older formats from {@code oldestFormat} on. */
    ValueReader(byte[] in, String kind, byte oldestFormat, byte newestFormat) {
        this.in = in;
        this.kind = kind;
        this.format = u8();
        if (format < oldestFormat || format > newestFormat) {
            throw new IllegalStateException(kind + " record has format " + format + ", expected "
                    + (oldestFormat == newestFormat ? "" + newestFormat : oldestFormat + " to " + newestFormat));
        }
    }

    /** The record's format byte. */
    int format() {
        return format;
    }

    int u8() {
        need(1);
        return in[pos++] & 0xff;
    }

    int u32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    String str() {
        int lengthPlusOne = u32();
        if (lengthPlusOne == 0) {
            return null;
        }
        int length = lengthPlusOne - 1;
        need(length);
        String s = new String(in, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    void expectEnd() {
        if (pos != in.length) {
            throw new IllegalStateException(kind + " record has " + (in.length - pos) + " trailing bytes");
        }
    }

    private void need(int n) {
        if (n < 0 || in.length - pos < n) {
            throw new IllegalStateException(kind + " record truncated at byte " + pos);
        }
    }
}
