package io.dexnode.engine.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds value records: a format byte, then fixed-width big-endian fields and length-prefixed strings. */
final class ValueWriter {
    private byte[] out = new byte[64];
    private int pos;

    ValueWriter(byte format) {
        u8(format);
    }

    ValueWriter u8(int v) {
        ensure(1);
        out[pos++] = (byte) v;
        return this;
    }

    ValueWriter u32(int v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out[pos++] = (byte) (v >>> shift);
        }
        return this;
    }

    ValueWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out[pos++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** A nullable UTF-8 string: length + 1 as u32 (0 means null), then the bytes. */
    ValueWriter str(String s) {
        if (s == null) {
            return u32(0);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u32(utf8.length + 1);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, out, pos, utf8.length);
        pos += utf8.length;
        return this;
    }

    byte[] bytes() {
        return Arrays.copyOf(out, pos);
    }

    private void ensure(int n) {
        if (pos + n > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, pos + n));
        }
    }
}
