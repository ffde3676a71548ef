package io.dexnode.engine.schema;

/** Builds canonical keys: big-endian fixed-width fields after a tag byte. */
final class KeyWriter {
    private final byte[] out;
    private int pos;

    KeyWriter(int length) {
        out = new byte[length];
    }

    KeyWriter tag(byte tag) {
        out[pos++] = tag;
        return this;
    }

    /** Unsigned 32-bit, big-endian. */
    KeyWriter u32(int v) {
        out[pos++] = (byte) (v >>> 24);
        out[pos++] = (byte) (v >>> 16);
        out[pos++] = (byte) (v >>> 8);
        out[pos++] = (byte) v;
        return this;
    }

    /** Unsigned 64-bit, big-endian. */
    KeyWriter u64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out[pos++] = (byte) (v >>> shift);
        }
        return this;
    }

    KeyWriter raw(byte[] bytes) {
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        pos += bytes.length;
        return this;
    }

    byte[] bytes() {
        if (pos != out.length) {
            throw new IllegalStateException("key length " + out.length + " but wrote " + pos);
        }
        return out;
    }
}
