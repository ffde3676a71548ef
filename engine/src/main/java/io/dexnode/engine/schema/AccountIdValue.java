package io.dexnode.engine.schema;

/** The value of an {@link StateKey.AccountName} entry: the account id the name maps to. */
public record AccountIdValue(long accountId) {
    private static final byte FORMAT = 1;

    public byte[] encode() {
        return new ValueWriter(FORMAT).i64(accountId).bytes();
    }

    public static AccountIdValue decode(byte[] value) {
        ValueReader r = new ValueReader(value, "account name", FORMAT);
        AccountIdValue v = new AccountIdValue(r.i64());
        r.expectEnd();
        return v;
    }
}
