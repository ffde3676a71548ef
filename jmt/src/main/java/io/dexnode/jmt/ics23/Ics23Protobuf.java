package io.dexnode.jmt.ics23;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Protobuf wire form of the ICS23 messages ({@code cosmos.ics23.v1}), byte-identical to what the
 * Rust crates (prost) emit: fields in number order, proto3 defaults (0, empty bytes, false)
 * omitted, present sub-messages always written, repeated ints packed.
 *
 * <p>Decoding accepts what any proto3 encoder may emit (unknown fields are skipped, packed or
 * unpacked repeated ints) and rejects truncated or malformed input with an {@link Ics23Exception}.
 */
public final class Ics23Protobuf {
    private Ics23Protobuf() {}

    // ---------------------------------------------------------------- encoding

    /** {@code CommitmentProof}: exist = 1, nonexist = 2. */
    public static byte[] encode(CommitmentProof proof) {
        Writer w = new Writer();
        switch (proof) {
            case CommitmentProof.Exist e -> w.message(1, encode(e.proof()));
            case CommitmentProof.Nonexist n -> w.message(2, encode(n.proof()));
        }
        return w.toBytes();
    }

    /** {@code ExistenceProof}: key = 1, value = 2, leaf = 3, path = 4 (repeated). */
    public static byte[] encode(ExistenceProof p) {
        Writer w = new Writer();
        w.bytes(1, p.keyRef());
        w.bytes(2, p.valueRef());
        if (p.leaf() != null) {
            w.message(3, encode(p.leaf()));
        }
        for (InnerOp op : p.path()) {
            w.message(4, encode(op));
        }
        return w.toBytes();
    }

    /** {@code NonExistenceProof}: key = 1, left = 2, right = 3. */
    public static byte[] encode(NonExistenceProof p) {
        Writer w = new Writer();
        w.bytes(1, p.key());
        if (p.left() != null) {
            w.message(2, encode(p.left()));
        }
        if (p.right() != null) {
            w.message(3, encode(p.right()));
        }
        return w.toBytes();
    }

    /** {@code LeafOp}: hash = 1, prehash_key = 2, prehash_value = 3, length = 4, prefix = 5. */
    public static byte[] encode(LeafOp op) {
        Writer w = new Writer();
        w.varintField(1, op.hash().number());
        w.varintField(2, op.prehashKey().number());
        w.varintField(3, op.prehashValue().number());
        w.varintField(4, op.length().number());
        w.bytes(5, op.prefix());
        return w.toBytes();
    }

    /** {@code InnerOp}: hash = 1, prefix = 2, suffix = 3. */
    public static byte[] encode(InnerOp op) {
        Writer w = new Writer();
        w.varintField(1, op.hash().number());
        w.bytes(2, op.prefixRef());
        w.bytes(3, op.suffixRef());
        return w.toBytes();
    }

    /** {@code ProofSpec}: leaf_spec = 1, inner_spec = 2, max_depth = 3, min_depth = 4, prehash_key_before_comparison = 5. */
    public static byte[] encode(ProofSpec spec) {
        Writer w = new Writer();
        if (spec.leafSpec() != null) {
            w.message(1, encode(spec.leafSpec()));
        }
        if (spec.innerSpec() != null) {
            w.message(2, encode(spec.innerSpec()));
        }
        w.varintField(3, spec.maxDepth());
        w.varintField(4, spec.minDepth());
        w.varintField(5, spec.prehashKeyBeforeComparison() ? 1 : 0);
        return w.toBytes();
    }

    /** {@code InnerSpec}: child_order = 1 (packed), child_size = 2, min/max_prefix_length = 3/4, empty_child = 5, hash = 6. */
    public static byte[] encode(InnerSpec spec) {
        Writer w = new Writer();
        if (!spec.childOrder().isEmpty()) {
            Writer packed = new Writer();
            for (int c : spec.childOrder()) {
                packed.varint(c);
            }
            w.message(1, packed.toBytes());
        }
        w.varintField(2, spec.childSize());
        w.varintField(3, spec.minPrefixLength());
        w.varintField(4, spec.maxPrefixLength());
        w.bytes(5, spec.emptyChildRef());
        w.varintField(6, spec.hash().number());
        return w.toBytes();
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes a {@code CommitmentProof} holding an exist or nonexist proof. */
    public static CommitmentProof decodeCommitmentProof(byte[] bytes) {
        Reader r = new Reader(bytes, 0, bytes.length);
        CommitmentProof out = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> out = new CommitmentProof.Exist(decodeExistence(r.lengthDelimited(once(tag, out instanceof CommitmentProof.Exist))));
                case 2 -> out = new CommitmentProof.Nonexist(decodeNonExistence(r.lengthDelimited(once(tag, out instanceof CommitmentProof.Nonexist))));
                case 3, 4 -> throw new Ics23Exception("batch and compressed commitment proofs are not supported");
                default -> r.skip(tag);
            }
        }
        if (out == null) {
            throw new Ics23Exception("commitment proof holds no proof");
        }
        return out;
    }

    private static ExistenceProof decodeExistence(Reader r) {
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        LeafOp leaf = null;
        List<InnerOp> path = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> key = r.lengthDelimited(tag).rest();
                case 2 -> value = r.lengthDelimited(tag).rest();
                case 3 -> leaf = decodeLeaf(r.lengthDelimited(once(tag, leaf != null)));
                case 4 -> path.add(decodeInner(r.lengthDelimited(tag)));
                default -> r.skip(tag);
            }
        }
        return new ExistenceProof(key, value, leaf, path);
    }

    /** Decodes an {@code ExistenceProof}. */
    public static ExistenceProof decodeExistenceProof(byte[] bytes) {
        return decodeExistence(new Reader(bytes, 0, bytes.length));
    }

    private static NonExistenceProof decodeNonExistence(Reader r) {
        byte[] key = new byte[0];
        ExistenceProof left = null;
        ExistenceProof right = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> key = r.lengthDelimited(tag).rest();
                case 2 -> left = decodeExistence(r.lengthDelimited(once(tag, left != null)));
                case 3 -> right = decodeExistence(r.lengthDelimited(once(tag, right != null)));
                default -> r.skip(tag);
            }
        }
        return new NonExistenceProof(key, left, right);
    }

    /**
     * {@code tag}, unless its message field was already read: protobuf merges a message field that
     * appears twice (prost, which the Rust crates decode with, does), where this decoder would keep
     * the last — the same bytes would then mean two proofs. A proof holds each such field once.
     */
    private static int once(int tag, boolean seen) {
        if (seen) {
            throw new Ics23Exception("field " + (tag >>> 3) + " appears twice; a proof encodes it once");
        }
        return tag;
    }

    private static LeafOp decodeLeaf(Reader r) {
        int hash = 0;
        int prehashKey = 0;
        int prehashValue = 0;
        int length = 0;
        byte[] prefix = new byte[0];
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> hash = r.int32(tag);
                case 2 -> prehashKey = r.int32(tag);
                case 3 -> prehashValue = r.int32(tag);
                case 4 -> length = r.int32(tag);
                case 5 -> prefix = r.lengthDelimited(tag).rest();
                default -> r.skip(tag);
            }
        }
        return new LeafOp(HashOp.ofNumber(hash), HashOp.ofNumber(prehashKey), HashOp.ofNumber(prehashValue),
                LengthOp.ofNumber(length), prefix);
    }

    private static InnerOp decodeInner(Reader r) {
        int hash = 0;
        byte[] prefix = new byte[0];
        byte[] suffix = new byte[0];
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> hash = r.int32(tag);
                case 2 -> prefix = r.lengthDelimited(tag).rest();
                case 3 -> suffix = r.lengthDelimited(tag).rest();
                default -> r.skip(tag);
            }
        }
        return new InnerOp(HashOp.ofNumber(hash), prefix, suffix);
    }

    /** Decodes a {@code ProofSpec}. */
    public static ProofSpec decodeProofSpec(byte[] bytes) {
        Reader r = new Reader(bytes, 0, bytes.length);
        LeafOp leaf = null;
        InnerSpec inner = null;
        int maxDepth = 0;
        int minDepth = 0;
        boolean prehash = false;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> leaf = decodeLeaf(r.lengthDelimited(tag));
                case 2 -> inner = decodeInnerSpec(r.lengthDelimited(tag));
                case 3 -> maxDepth = r.int32(tag);
                case 4 -> minDepth = r.int32(tag);
                case 5 -> prehash = r.int32(tag) != 0;
                default -> r.skip(tag);
            }
        }
        return new ProofSpec(leaf, inner, maxDepth, minDepth, prehash);
    }

    private static InnerSpec decodeInnerSpec(Reader r) {
        List<Integer> order = new ArrayList<>();
        int childSize = 0;
        int minPrefix = 0;
        int maxPrefix = 0;
        byte[] empty = new byte[0];
        int hash = 0;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    if ((tag & 7) == 2) {
                        Reader packed = r.lengthDelimited(tag);
                        while (packed.more()) {
                            order.add((int) packed.varint());
                        }
                    } else {
                        order.add(r.int32(tag));
                    }
                }
                case 2 -> childSize = r.int32(tag);
                case 3 -> minPrefix = r.int32(tag);
                case 4 -> maxPrefix = r.int32(tag);
                case 5 -> empty = r.lengthDelimited(tag).rest();
                case 6 -> hash = r.int32(tag);
                default -> r.skip(tag);
            }
        }
        return new InnerSpec(order, childSize, minPrefix, maxPrefix, empty, HashOp.ofNumber(hash));
    }

    // ---------------------------------------------------------------- wire helpers

    private static final class Writer {
        private byte[] buf = new byte[64];
        private int size;

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                put((byte) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            put((byte) v);
        }

        /** A varint-typed field (int32 and enums; negative int32 sign-extends to 10 bytes as proto does). */
        void varintField(int field, int v) {
            if (v != 0) {
                varint((long) field << 3);
                varint(v);
            }
        }

        void bytes(int field, byte[] b) {
            if (b.length != 0) {
                message(field, b);
            }
        }

        void message(int field, byte[] b) {
            varint(((long) field << 3) | 2);
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void put(byte b) {
            ensure(1);
            buf[size++] = b;
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, size);
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new Ics23Exception("truncated varint");
                }
                int x = b[pos++] & 0xFF;
                if (shift == 63 && x > 1) {
                    throw new Ics23Exception("varint overflows 64 bits");
                }
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new Ics23Exception("varint longer than 10 bytes");
        }

        int tag() {
            long t = varint();
            if ((t >>> 3) == 0 || t < 0 || t > 0xFFFF_FFFFL) {
                throw new Ics23Exception("invalid field tag " + Long.toUnsignedString(t));
            }
            return (int) t; // read with >>> 3 and & 7: field numbers up to 2^29 - 1 are valid
        }

        int int32(int tag) {
            if ((tag & 7) != 0) {
                throw new Ics23Exception("field " + (tag >>> 3) + " should be a varint");
            }
            return (int) varint();
        }

        Reader lengthDelimited(int tag) {
            if ((tag & 7) != 2) {
                throw new Ics23Exception("field " + (tag >>> 3) + " should be length-delimited");
            }
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new Ics23Exception("field " + (tag >>> 3) + " runs past the end of its message");
            }
            Reader sub = new Reader(b, pos, pos + (int) len);
            pos += (int) len;
            return sub;
        }

        byte[] rest() {
            byte[] out = Arrays.copyOfRange(b, pos, end);
            pos = end;
            return out;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> lengthDelimited(tag);
                case 5 -> advance(4);
                default -> throw new Ics23Exception("unsupported wire type " + (tag & 7));
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new Ics23Exception("truncated field");
            }
            pos += n;
        }
    }
}
