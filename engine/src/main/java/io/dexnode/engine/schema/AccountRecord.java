package io.dexnode.engine.schema;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An account under {@link StateKey.Account}: its name (a plain name or the hex public key),
 * collateral in quote atoms (realized PnL and fees included, may go below zero after losses), the
 * last nonce it used, and the sorted ids of the markets where it has a position record (so that
 * equity needs no scan).
 */
public record AccountRecord(long accountId, String name, long collateral, long lastNonce, int[] markets) {
    private static final byte FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * Whether {@code s} has the form of a name a trader's account may take: 1 to 64 of
     * [A-Za-z0-9_.-] (a public key's hex has it too). The engine's own fee account is named otherwise.
     */
    public static boolean isNameForm(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public AccountRecord withCollateral(long c) {
        return new AccountRecord(accountId, name, c, lastNonce, markets);
    }

    public AccountRecord withNonce(long n) {
        return new AccountRecord(accountId, name, collateral, n, markets);
    }

    public boolean hasMarket(int marketId) {
        return Arrays.binarySearch(markets, marketId) >= 0;
    }

    public AccountRecord withMarket(int marketId) {
        int at = Arrays.binarySearch(markets, marketId);
        if (at >= 0) {
            return this;
        }
        int insert = -at - 1;
        int[] m = new int[markets.length + 1];
        System.arraycopy(markets, 0, m, 0, insert);
        m[insert] = marketId;
        System.arraycopy(markets, insert, m, insert + 1, markets.length - insert);
        return new AccountRecord(accountId, name, collateral, lastNonce, m);
    }

    public byte[] encode() {
        ValueWriter w = new ValueWriter(FORMAT).i64(accountId).str(name).i64(collateral).i64(lastNonce).u32(markets.length);
        for (int m : markets) {
            w.u32(m);
        }
        return w.bytes();
    }

    public static AccountRecord decode(byte[] value) {
        ValueReader r = new ValueReader(value, "account", FORMAT);
        long id = r.i64();
        String name = r.str();
        long collateral = r.i64();
        long nonce = r.i64();
        int n = r.u32();
        if (n < 0 || n > 1 << 20) {
            throw new IllegalStateException("account record lists " + n + " markets");
        }
        int[] markets = new int[n];
        for (int i = 0; i < n; i++) {
            markets[i] = r.u32();
        }
        r.expectEnd();
        return new AccountRecord(id, name, collateral, nonce, markets);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountRecord a && a.accountId == accountId && a.name.equals(name)
                && a.collateral == collateral && a.lastNonce == lastNonce && Arrays.equals(a.markets, markets);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(accountId) * 31 + Long.hashCode(collateral);
    }

    @Override
    public String toString() {
        return "AccountRecord[id=" + accountId + ", name=" + name + ", collateral=" + collateral
                + ", lastNonce=" + lastNonce + ", markets=" + Arrays.toString(markets) + "]";
    }
}
