package io.dexnode.engine.schema;

/**
 * The id and sequence counters under {@link StateKey.Counters}: ids come from state, never from a
 * clock. {@code activeOrders} counts the orders resting in all books (= ActiveOrder entries); a
 * recovery that finds fewer index entries knows an Active order lost its entry and scans for it.
 */
public record CountersRecord(long nextOrderId, long nextPrioritySeq, long nextAccountId, long activeOrders) {
    private static final byte FORMAT = 1;
    /** Account id 0 is the fee account; user accounts start at 1. */
    public static final CountersRecord INITIAL = new CountersRecord(1, 1, 1, 0);

    public CountersRecord withActiveOrders(long n) {
        return new CountersRecord(nextOrderId, nextPrioritySeq, nextAccountId, n);
    }

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(nextOrderId).i64(nextPrioritySeq).i64(nextAccountId).i64(activeOrders).bytes();
    }

    public static CountersRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "counters", FORMAT);
        CountersRecord c = new CountersRecord(r.i64(), r.i64(), r.i64(), r.i64());
        r.expectEnd();
        return c;
    }
}
