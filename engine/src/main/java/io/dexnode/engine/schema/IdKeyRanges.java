package io.dexnode.engine.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the keys of one kind whose encoding is a tag followed by a big-endian u64 id (orders,
 * positions) into contiguous ranges of about equal id spans, for scans that threads run at once.
 * The ranges together cover every key with the tag, whatever its id: the first starts at the tag
 * alone and the last ends where the next tag begins, so an id above the expected highest is
 * scanned too, never skipped.
 */
public final class IdKeyRanges {
    private IdKeyRanges() {
    }

    /**
     * {@code parts} ranges {@code [from, to)} in key order over the keys tagged {@code tag}, ids
     * 0..{@code maxId} split evenly between them (some may be empty when there are fewer ids than
     * parts).
     */
    public static List<byte[][]> split(byte tag, long maxId, int parts) {
        if (parts < 1 || maxId < 0 || tag == (byte) 0xff) {
            throw new IllegalArgumentException("split of tag " + tag + " ids 0.." + maxId + " into " + parts);
        }
        List<byte[][]> ranges = new ArrayList<>(parts);
        byte[] from = {tag};
        for (int i = 1; i <= parts; i++) {
            byte[] to = i == parts ? new byte[] {(byte) (tag + 1)} : new KeyWriter(9).tag(tag).u64(boundary(maxId, parts, i)).bytes();
            ranges.add(new byte[][] {from, to});
            from = to;
        }
        return ranges;
    }

    /** The first id of part {@code i}: {@code i * (maxId + 1) / parts} without overflow. */
    private static long boundary(long maxId, int parts, int i) {
        long span = maxId / parts;
        long rest = maxId % parts;
        return span * i + (rest + 1) * i / parts;
    }
}
