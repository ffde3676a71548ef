package io.dexnode.jmt;

/**
 * Where a node is stored: the version that wrote it and its nibble path (spec §2.2). The root of
 * version v is at {@code (v, [])}; a child's key uses the version its parent records for it.
 *
 * <p>The encoding is big-endian version, then the nibble count, then the packed nibbles, so that a
 * byte-ordered store (RocksDB) sorts node keys by version (unsigned), then by path.
 *
 * @param version the version that wrote the node (u64, compared unsigned)
 * @param path the node's position
 */
public record NodeKey(long version, NibblePath path) implements Comparable<NodeKey> {

    public NodeKey {
        if (path == null) {
            throw new IllegalArgumentException("a node key needs a path");
        }
    }

    /** The key of the root of {@code version}. */
    public static NodeKey root(long version) {
        return new NodeKey(version, NibblePath.EMPTY);
    }

    /** Length of {@link #encode()} for this key. */
    public int encodedLength() {
        return 9 + path.packedLength();
    }

    /** BE u64 version ‖ u8 nibble count ‖ packed nibbles. */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        encodeInto(out, 0);
        return out;
    }

    /** Writes {@link #encode()}'s bytes into {@code out} at {@code offset} ({@link #encodedLength()} of them). */
    public void encodeInto(byte[] out, int offset) {
        Bytes.putLongBE(out, offset, version);
        out[offset + 8] = (byte) path.length();
        path.copyPackedTo(out, offset + 9);
    }

    /** The inverse of {@link #encode()}; rejects malformed input. */
    public static NodeKey decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    static NodeKey decode(byte[] bytes, int offset, int length) {
        if (length < 9) {
            throw new IllegalArgumentException("a node key is at least 9 bytes, got " + length);
        }
        long version = Bytes.getLongBE(bytes, offset);
        int nibbles = bytes[offset + 8] & 0xFF;
        if (nibbles > KeyHash.NIBBLES) {
            throw new IllegalArgumentException("a node key path has at most 64 nibbles, got " + nibbles);
        }
        int packedLength = (nibbles + 1) >>> 1;
        if (length != 9 + packedLength) {
            throw new IllegalArgumentException(
                    "a node key with " + nibbles + " nibbles is " + (9 + packedLength) + " bytes, got " + length);
        }
        byte[] packed = java.util.Arrays.copyOfRange(bytes, offset + 9, offset + 9 + packedLength);
        return new NodeKey(version, NibblePath.fromPacked(nibbles, packed));
    }

    @Override
    public int hashCode() {
        return (int) Bytes.mix(path.mix64() + version * 0x9E3779B97F4A7C15L);
    }

    /** Orders as the encoding does: version (unsigned), then path. */
    @Override
    public int compareTo(NodeKey o) {
        int c = Long.compareUnsigned(version, o.version);
        return c != 0 ? c : path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return "NodeKey(" + Long.toUnsignedString(version) + ", " + path + ")";
    }
}
