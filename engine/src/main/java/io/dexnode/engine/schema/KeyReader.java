package io.dexnode.engine.schema;

import java.nio.charset.StandardCharsets;

/** Reads canonical keys written by {@link KeyWriter}; any malformation is an IllegalArgumentException. */
final class KeyReader {
    private final byte[] in;
    private int pos;

    KeyReader(byte[] in) {
        this.in = in;
    }

    byte tag() {
        need(1);
        return in[pos++];
    }

    int u32() {
        need(4);
        int v = ((in[pos] & 0xff) << 24) | ((in[pos + 1] & 0xff) << 16) | ((in[pos + 2] & 0xff) << 8) | (in[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    String restUtf8() {
        String s = new String(in, pos, in.length - pos, StandardCharsets.UTF_8);
        pos = in.length;
        return s;
    }

    void expectEnd() {
        if (pos != in.length) {
            throw new IllegalArgumentException("state key has " + (in.length - pos) + " trailing bytes");
        }
    }

    private void need(int n) {
        if (in.length - pos < n) {
            throw new IllegalArgumentException("state key truncated at byte " + pos);
        }
    }
}
