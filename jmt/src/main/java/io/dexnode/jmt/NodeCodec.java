package io.dexnode.jmt;

/**
 * The storage encoding of nodes: compact, versioned by a leading format byte, independent of the
 * Rust crate's borsh layout (which nothing at the consensus level depends on, spec §2.3).
 *
 * <pre>
 * node     = format(1 byte, = 1) kind(1 byte) body
 * Null     : kind 0, empty body
 * Internal : kind 1, u16 BE existence bitmap, u16 BE leaf bitmap, then for each child in nibble
 *            order: varint version, hash(32), and, for an internal child only, varint leaf count
 * Leaf     : kind 2, key_hash(32) value_hash(32)
 * </pre>
 *
 * Varints are unsigned LEB128 (7 bits per byte, least significant group first, at most 10 bytes).
 * Decoding rejects anything malformed with an {@link IllegalArgumentException}: a node that does
 * not decode is corruption, never something to skip.
 */
public final class NodeCodec {
    /** The current format byte. */
    public static final byte FORMAT = 1;

    private static final byte KIND_NULL = 0;
    private static final byte KIND_INTERNAL = 1;
    private static final byte KIND_LEAF = 2;
    private static final int HASH = JmtHasher.HASH_LENGTH;

    private NodeCodec() {}

    /** The encoding of {@code node}. */
    public static byte[] encode(Node node) {
        byte[] out = new byte[encodedLength(node)];
        encodeInto(node, out, 0);
        return out;
    }

    /** The length of {@link #encode}'s result for {@code node}. */
    public static int encodedLength(Node node) {
        return switch (node) {
            case NullNode n -> 2;
            case LeafNode leaf -> 2 + 2 * HASH;
            case InternalNode in -> {
                long[] meta = in.metaRef();
                int n = in.childCount();
                int leaves = in.leafBitmap();
                int size = 6;
                int rank = 0;
                for (int bits = in.existenceBitmap(); bits != 0; bits &= bits - 1, rank++) {
                    size += varintLength(meta[rank]) + HASH;
                    if ((leaves & Integer.lowestOneBit(bits)) == 0) {
                        size += varintLength(meta[n + rank]);
                    }
                }
                yield size;
            }
        };
    }

    /**
     * Writes the encoding of {@code node} into {@code out} at {@code pos}, which must have room for
     * {@link #encodedLength} bytes; returns the position after it.
     */
    public static int encodeInto(Node node, byte[] out, int pos) {
        out[pos] = FORMAT;
        switch (node) {
            case NullNode n -> out[pos + 1] = KIND_NULL;
            case LeafNode leaf -> {
                out[pos + 1] = KIND_LEAF;
                leaf.copyKeyHashTo(out, pos + 2);
                leaf.copyValueHashTo(out, pos + 2 + HASH);
                return pos + 2 + 2 * HASH;
            }
            case InternalNode in -> {
                return encodeInternal(in, out, pos);
            }
        }
        return pos + 2;
    }

    private static int encodeInternal(InternalNode node, byte[] out, int pos) {
        long[] meta = node.metaRef();
        int n = node.childCount();
        byte[] hashes = node.hashesRef();
        int leaves = node.leafBitmap();
        int existence = node.existenceBitmap();
        out[pos + 1] = KIND_INTERNAL;
        out[pos + 2] = (byte) (existence >>> 8);
        out[pos + 3] = (byte) existence;
        out[pos + 4] = (byte) (leaves >>> 8);
        out[pos + 5] = (byte) leaves;
        pos += 6;
        int rank = 0;
        for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
            pos = putVarint(out, pos, meta[rank]);
            System.arraycopy(hashes, rank * HASH, out, pos, HASH);
            pos += HASH;
            if ((leaves & Integer.lowestOneBit(bits)) == 0) {
                pos = putVarint(out, pos, meta[n + rank]);
            }
        }
        return pos;
    }

    /** The node encoded in {@code bytes}. */
    public static Node decode(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("an encoded node is at least 2 bytes, got " + bytes.length);
        }
        if (bytes[0] != FORMAT) {
            throw new IllegalArgumentException("unknown node format " + (bytes[0] & 0xFF) + " (expected " + FORMAT + ")");
        }
        return switch (bytes[1]) {
            case KIND_NULL -> {
                requireLength(bytes, 2, "null node");
                yield NullNode.INSTANCE;
            }
            case KIND_LEAF -> {
                requireLength(bytes, 2 + 2 * HASH, "leaf node");
                yield new LeafNode(KeyHash.fromBytes(bytes, 2), bytes, 2 + HASH);
            }
            case KIND_INTERNAL -> decodeInternal(bytes);
            default -> throw new IllegalArgumentException("unknown node kind " + bytes[1]);
        };
    }

    private static Node decodeInternal(byte[] b) {
        if (b.length < 6) {
            throw new IllegalArgumentException("truncated internal node header");
        }
        int existence = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int leaves = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
        int count = Integer.bitCount(existence);
        if ((leaves & ~existence) != 0 || count == 0) {
            throw new IllegalArgumentException(String.format("bad child bitmaps: existence %04x, leaves %04x", existence, leaves));
        }
        long[] meta = new long[2 * count];
        byte[] hashes = new byte[InternalNode.hashArrayLength(existence, leaves)];
        int[] pos = {6};
        int rank = 0;
        for (int bits = existence; bits != 0; bits &= bits - 1, rank++) {
            meta[rank] = readVarint(b, pos);
            if (pos[0] + HASH > b.length) {
                throw new IllegalArgumentException("truncated child hash in internal node");
            }
            System.arraycopy(b, pos[0], hashes, rank * HASH, HASH);
            pos[0] += HASH;
            meta[count + rank] = (leaves & Integer.lowestOneBit(bits)) == 0 ? readVarint(b, pos) : 1;
        }
        if (pos[0] != b.length) {
            throw new IllegalArgumentException((b.length - pos[0]) + " trailing bytes after internal node");
        }
        return new InternalNode(existence, leaves, meta, hashes);
    }

    private static void requireLength(byte[] b, int expected, String what) {
        if (b.length != expected) {
            throw new IllegalArgumentException("a " + what + " encodes in " + expected + " bytes, got " + b.length);
        }
    }

    static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] out, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("truncated varint");
            }
            int x = b[pos[0]++] & 0xFF;
            if (shift == 63 && x > 1) {
                throw new IllegalArgumentException("varint overflows 64 bits");
            }
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                if (x == 0 && shift > 0) {
                    throw new IllegalArgumentException("non-canonical varint (trailing zero group)");
                }
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }
}
