package io.dexnode.jmt;

/**
 * "The node at {@code nodeKey} is not part of any version from {@code staleSinceVersion} on"
 * (spec §2.4–2.5). Pruning to a least readable version L deletes every node whose entry has
 * {@code staleSinceVersion <= L}.
 *
 * <p>Encoded as BE staleSince ‖ {@link NodeKey#encode()}, so a byte-ordered scan from the start
 * visits entries in version order and can stop at the first one above L.
 *
 * @param staleSinceVersion the first version that no longer contains the node (u64, unsigned)
 * @param nodeKey the node's key
 */
public record StaleNodeIndex(long staleSinceVersion, NodeKey nodeKey) implements Comparable<StaleNodeIndex> {

    public StaleNodeIndex {
        if (nodeKey == null) {
            throw new IllegalArgumentException("a stale node index needs a node key");
        }
    }

    /** BE u64 staleSince ‖ node key encoding. */
    public byte[] encode() {
        byte[] out = new byte[8 + nodeKey.encodedLength()];
        Bytes.putLongBE(out, 0, staleSinceVersion);
        nodeKey.encodeInto(out, 8);
        return out;
    }

    /** The inverse of {@link #encode()}; rejects malformed input. */
    public static StaleNodeIndex decode(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("a stale node index is at least 17 bytes, got " + bytes.length);
        }
        return new StaleNodeIndex(Bytes.getLongBE(bytes, 0), NodeKey.decode(bytes, 8, bytes.length - 8));
    }

    /** Orders as the encoding does: stale-since version (unsigned), then node key. */
    @Override
    public int compareTo(StaleNodeIndex o) {
        int c = Long.compareUnsigned(staleSinceVersion, o.staleSinceVersion);
        return c != 0 ? c : nodeKey.compareTo(o.nodeKey);
    }

    @Override
    public String toString() {
        return "Stale(since " + Long.toUnsignedString(staleSinceVersion) + ", " + nodeKey + ")";
    }
}
