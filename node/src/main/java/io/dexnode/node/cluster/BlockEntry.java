package io.dexnode.node.cluster;

import io.dexnode.node.api.SignedTx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Raft log entry: a block the leader proposes, executed by every replica once Raft has
 * committed it. It carries what execution needs (height, block time, the signed transactions in
 * order) and what lets every replica check that it is on the same chain: the genesis hash and the
 * state root the proposing leader had computed for {@code height - 1}. {@code proposer} and
 * {@code proposal} let the proposer find the requests a committed entry answers.
 *
 * <p>A {@link Kind#REPAIR} entry carries no transactions: it asks every replica to commit, as block
 * {@code height}, the repair its own recovery found, and {@code repairDigest} names the repair the
 * leader found; a replica whose repair differs is broken and stops.
 *
 * <p>Binary form (big-endian): format byte, kind byte, height, time, 32-byte previous root, 32-byte
 * genesis hash, proposer (u16 length + UTF-8), proposal, 32-byte repair digest, u32 count, then per
 * transaction: u32 payload length, payload, 32-byte key, 64-byte signature.
 */
public record BlockEntry(Kind kind, long height, long time, byte[] prevRoot, byte[] genesisHash, String proposer,
                         long proposal, byte[] repairDigest, List<SignedTx> txs) {
    public enum Kind {
        BLOCK, REPAIR
    }

    private static final byte FORMAT = 1;
    public static final int HASH_BYTES = 32;
    private static final byte[] NO_DIGEST = new byte[HASH_BYTES];

    public BlockEntry {
        txs = List.copyOf(txs);
        requireHash(prevRoot, "previous root");
        requireHash(genesisHash, "genesis hash");
        requireHash(repairDigest, "repair digest");
        if (kind == Kind.REPAIR && !txs.isEmpty()) {
            throw new IllegalArgumentException("a repair entry carries no transactions");
        }
    }

    public static BlockEntry block(long height, long time, byte[] prevRoot, byte[] genesisHash, String proposer,
                                   long proposal, List<SignedTx> txs) {
        return new BlockEntry(Kind.BLOCK, height, time, prevRoot, genesisHash, proposer, proposal, NO_DIGEST, txs);
    }

    public static BlockEntry repair(long height, long time, byte[] prevRoot, byte[] genesisHash, String proposer,
                                    long proposal, byte[] repairDigest) {
        return new BlockEntry(Kind.REPAIR, height, time, prevRoot, genesisHash, proposer, proposal, repairDigest, List.of());
    }

    private static void requireHash(byte[] h, String what) {
        if (h == null || h.length != HASH_BYTES) {
            throw new IllegalArgumentException("a block entry's " + what + " is " + HASH_BYTES + " bytes");
        }
    }

    public byte[] encode() {
        byte[] who = proposer.getBytes(StandardCharsets.UTF_8);
        int size = 2 + 8 + 8 + HASH_BYTES * 3 + 2 + who.length + 8 + 4;
        for (SignedTx t : txs) {
            size += 4 + t.payload().length + SignedTx.PUBLIC_KEY_BYTES + SignedTx.SIGNATURE_BYTES;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(FORMAT).put((byte) kind.ordinal()).putLong(height).putLong(time).put(prevRoot).put(genesisHash);
        b.putShort((short) who.length).put(who).putLong(proposal).put(repairDigest).putInt(txs.size());
        for (SignedTx t : txs) {
            b.putInt(t.payload().length).put(t.payload()).put(t.pubkey()).put(t.signature());
        }
        return b.array();
    }

    /** Decodes an entry; a malformed one (never written by a dexnode leader) is an {@link IllegalArgumentException}. */
    public static BlockEntry decode(ByteBuffer in) {
        ByteBuffer b = in.slice();
        try {
            byte format = b.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown block entry format " + format);
            }
            int k = b.get();
            if (k < 0 || k >= Kind.values().length) {
                throw new IllegalArgumentException("unknown block entry kind " + k);
            }
            long height = b.getLong();
            long time = b.getLong();
            byte[] prev = take(b, HASH_BYTES);
            byte[] genesis = take(b, HASH_BYTES);
            String proposer = new String(take(b, Short.toUnsignedInt(b.getShort())), StandardCharsets.UTF_8);
            long proposal = b.getLong();
            byte[] digest = take(b, HASH_BYTES);
            int count = b.getInt();
            if (count < 0 || count > b.remaining()) {
                throw new IllegalArgumentException("block entry claims " + count + " transactions");
            }
            List<SignedTx> txs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new IllegalArgumentException("block entry transaction " + i + " claims " + len + " bytes");
                }
                txs.add(new SignedTx(take(b, len), take(b, SignedTx.PUBLIC_KEY_BYTES), take(b, SignedTx.SIGNATURE_BYTES)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("block entry has " + b.remaining() + " trailing bytes");
            }
            return new BlockEntry(Kind.values()[k], height, time, prev, genesis, proposer, proposal, digest, txs);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("block entry is truncated", e);
        }
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockEntry e && kind == e.kind && height == e.height && time == e.time
                && Arrays.equals(prevRoot, e.prevRoot) && Arrays.equals(genesisHash, e.genesisHash)
                && proposer.equals(e.proposer) && proposal == e.proposal && Arrays.equals(repairDigest, e.repairDigest)
                && txs.equals(e.txs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(height) * 31 + Long.hashCode(proposal);
    }

    @Override
    public String toString() {
        return "BlockEntry[" + kind + " " + height + " by " + proposer + "#" + proposal + ", " + txs.size() + " txs]";
    }
}
