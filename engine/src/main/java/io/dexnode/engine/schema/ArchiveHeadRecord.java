package io.dexnode.engine.schema;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What the state root commits to of the archive, under {@link StateKey.ArchiveHead}: the last
 * block that moved finished orders out of the tree ({@code height}), how many ({@code count}), the
 * SHA-256 of their final records in canonical order ({@code recordsHash}, see
 * {@link #recordsHash}), the number archived since genesis, and a hash chain over every archiving
 * block. Every block that archives rewrites it and no other block touches it, so its value at
 * height h proves what h archived: exactly the records hashing to {@code recordsHash} when
 * {@code height == h}, nothing otherwise. One key whatever the archive's size.
 *
 * <p>{@code totalArchived} also tells recovery how many order records remain in the tree
 * (next order id − 1 − total archived) without counting them.
 */
public record ArchiveHeadRecord(long height, int count, byte[] recordsHash, long totalArchived, byte[] chain) {
    private static final byte FORMAT = 1;
    public static final int HASH_BYTES = 32;
    /** Before anything was archived (the key is absent): no block, nothing, zero hashes. */
    public static final ArchiveHeadRecord NONE = new ArchiveHeadRecord(0, 0, new byte[HASH_BYTES], 0, new byte[HASH_BYTES]);

    public ArchiveHeadRecord {
        if (recordsHash.length != HASH_BYTES || chain.length != HASH_BYTES) {
            throw new IllegalArgumentException("archive head hashes are " + HASH_BYTES + " bytes");
        }
        recordsHash = recordsHash.clone();
        chain = chain.clone();
    }

    /**
     * The head after block {@code h} archived {@code records} (the encoded final order records,
     * ascending by order id; not empty): chain' = SHA-256(chain ‖ h as u64 ‖ count as u32 ‖ recordsHash).
     */
    public ArchiveHeadRecord next(long h, List<byte[]> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a block that archives nothing leaves the head unchanged");
        }
        byte[] hash = recordsHash(records);
        MessageDigest d = sha256();
        d.update(chain);
        d.update(ByteBuffer.allocate(12).putLong(h).putInt(records.size()).array());
        d.update(hash);
        return new ArchiveHeadRecord(h, records.size(), hash, Math.addExact(totalArchived, records.size()), d.digest());
    }

    /**
     * The SHA-256 of a block's archived records in their canonical order (ascending order id), each
     * as its length (u32, big-endian) and then its bytes: the order record exactly as the tree held it last.
     */
    public static byte[] recordsHash(List<byte[]> records) {
        MessageDigest d = sha256();
        ByteBuffer length = ByteBuffer.allocate(4);
        for (byte[] r : records) {
            d.update(length.clear().putInt(r.length).array());
            d.update(r);
        }
        return d.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public byte[] recordsHash() {
        return recordsHash.clone();
    }

    @Override
    public byte[] chain() {
        return chain.clone();
    }

    public byte[] encode() {
        ValueWriter w = new ValueWriter(FORMAT).i64(height).u32(count);
        for (byte b : recordsHash) {
            w.u8(b);
        }
        w.i64(totalArchived);
        for (byte b : chain) {
            w.u8(b);
        }
        return w.bytes();
    }

    public static ArchiveHeadRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "archive head", FORMAT);
        long height = r.i64();
        int count = r.u32();
        byte[] hash = new byte[HASH_BYTES];
        for (int i = 0; i < HASH_BYTES; i++) {
            hash[i] = (byte) r.u8();
        }
        long total = r.i64();
        byte[] chain = new byte[HASH_BYTES];
        for (int i = 0; i < HASH_BYTES; i++) {
            chain[i] = (byte) r.u8();
        }
        r.expectEnd();
        return new ArchiveHeadRecord(height, count, hash, total, chain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchiveHeadRecord h && height == h.height && count == h.count && totalArchived == h.totalArchived
                && Arrays.equals(recordsHash, h.recordsHash) && Arrays.equals(chain, h.chain);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(height) * 31 + Arrays.hashCode(chain);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "ArchiveHeadRecord[height=" + height + ", count=" + count + ", recordsHash=" + hex.formatHex(recordsHash)
                + ", totalArchived=" + totalArchived + ", chain=" + hex.formatHex(chain) + "]";
    }
}
