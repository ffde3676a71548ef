package io.dexnode.engine.schema;

/** The value of an {@link StateKey.ActiveOrder} index entry: the order's priority sequence. */
public final class ActiveOrderValue {
    private static final byte FORMAT = 1;

    private ActiveOrderValue() {
    }

    public static byte[] encode(long prioritySeq) {
        return new ValueWriter(FORMAT).i64(prioritySeq).bytes();
    }

    public static long decode(byte[] value) {
        ValueReader r = new ValueReader(value, "active order", FORMAT);
        long seq = r.i64();
        r.expectEnd();
        return seq;
    }

    /** The value of an {@link StateKey.AccountName} entry: the account id. */
    public static byte[] encodeAccountId(long accountId) {
        return new ValueWriter(FORMAT).i64(accountId).bytes();
    }

    public static long decodeAccountId(byte[] value) {
        ValueReader r = new ValueReader(value, "account name", FORMAT);
        long id = r.i64();
        r.expectEnd();
        return id;
    }
}
