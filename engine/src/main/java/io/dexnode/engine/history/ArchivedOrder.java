package io.dexnode.engine.history;

import io.dexnode.engine.schema.OrderRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An order's final record in the archive and the block that moved it there. The record's bytes
 * are exactly the value the tree held last, which is what the archive head's records hash covers.
 */
public record ArchivedOrder(long archivedHeight, OrderRecord order) {
    private static final byte FORMAT = 1;
    private static final int RECORD_AT = 9;

    byte[] encode() {
        byte[] record = order.encode();
        return ByteBuffer.allocate(RECORD_AT + record.length).put(FORMAT).putLong(archivedHeight).put(record).array();
    }

    static ArchivedOrder decode(byte[] value) {
        if (value.length <= RECORD_AT || value[0] != FORMAT) {
            throw new IllegalStateException("archived order of " + value.length + " bytes with format "
                    + (value.length == 0 ? "none" : value[0]) + ", expected format " + FORMAT);
        }
        long height = ByteBuffer.wrap(value).getLong(1);
        return new ArchivedOrder(height, OrderRecord.decode(Arrays.copyOfRange(value, RECORD_AT, value.length)));
    }
}
