package io.dexnode.node.api;

import io.dexnode.engine.StateQueries;
import io.dexnode.engine.schema.AccountRecord;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the API finds an account by what a client wrote, on every route and channel alike. Admission
 * names a network account by its Ed25519 public key in lower-case hex; a client may write the key in
 * either case. An account named exactly as written comes first (a block file may name accounts
 * anything but a public key's hex in other than lower case, so the two lookups never disagree).
 */
final class AccountNames {
    private static final Pattern PUBLIC_KEY_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private AccountNames() {
    }

    /** The account named {@code who}, else the one whose public key {@code who} is in either case; null if none (yet). */
    static AccountRecord find(StateQueries queries, String who) {
        AccountRecord a = queries.accountByName(who);
        String key = asPublicKey(who);
        if (a == null && !key.equals(who)) {
            a = queries.accountByName(key);
        }
        return a;
    }

    /** The name of the account {@code who} finds ({@code found}, from {@link #find}), or will find once it exists. */
    static String name(AccountRecord found, String who) {
        return found != null ? found.name() : asPublicKey(who);
    }

    /** {@code who} in lower case when it is a public key's hex, as admission writes it; otherwise as written. */
    static String asPublicKey(String who) {
        return PUBLIC_KEY_HEX.matcher(who).matches() ? who.toLowerCase(Locale.ROOT) : who;
    }
}
