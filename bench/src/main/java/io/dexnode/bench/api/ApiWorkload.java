package io.dexnode.bench.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The order flow of the API benchmark, as unsigned transaction JSON per account in nonce order:
 * limit orders around a mid price (about a third cross and trade), cancels by client order id of
 * the account's own orders placed since its last {@code cancel_all}, and every {@value #CANCEL_ALL_EVERY}th action of an account a
 * {@code cancel_all} of its orders in the market; one order action per transaction, or
 * {@code batch} of them per batch transaction. Seeded, so two runs send the same transactions.
 *
 * <p>Each account's {@code cancel_all}s fall at its own phase of the {@value #CANCEL_ALL_EVERY}
 * actions, the accounts' phases spread evenly, so that they come one at a time in the flow. In
 * step (every account's 500th action in the same round of turns) they were a wave: 128 accounts
 * cancelling some 25,000 resting orders within 64 ms of a 2,000 orders/s open loop, about half a
 * second of the node's block thread, which every transaction behind them waited for — the open
 * loop's stalls of 100 ms to 1.6 s (docs/BENCHMARKS.md).
 *
 * <p>The {@code cancel_all} keeps an account's resting orders far below the genesis market's cap
 * of 1,000 (about half of all places rest, and the cancels by id mostly find their order gone), so
 * a run as long as a warm-up until the JIT has settled — hundreds of thousands of orders — does not
 * end with accounts whose every place is refused as too many orders, which costs the node little
 * and would pass for speed.
 */
public final class ApiWorkload {
    /** Every account's first transaction (nonce 1) is a deposit of this much. */
    public static final long DEPOSIT = 1_000_000_000_000L;
    /** An account's every this-many-th action cancels all its orders in the market. */
    static final int CANCEL_ALL_EVERY = 500;
    private static final long MID = 100_000;

    private ApiWorkload() {
    }

    /** The deposit that funds {@code account} (nonce 1). */
    public static String deposit(String account) {
        return "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"nonce\":1,\"amount\":" + DEPOSIT + "}";
    }

    /**
     * The flow for {@code accounts} on {@code market}, {@code batch} actions to a transaction
     * ({@code batch} 1: plain transactions; more: batches, an account's last one in a call possibly
     * smaller), as a stream: each {@link #next} continues where the last left off — the accounts'
     * nonces, client order ids, round-robin turn, action counts and the random sequence — so a
     * warm-up and the measured run that follows it are one flow.
     */
    public static final class Flow {
        private final List<String> accounts;
        private final int market;
        private final int batch;
        private final Random rnd;
        private final int[] placed;
        private final int[] placedBeforeCancelAll;
        private final long[] actions;
        /** Account a's cancel_alls are its actions n with (n + phase[a]) a multiple of {@link #CANCEL_ALL_EVERY}. */
        private final int[] phase;
        private final long[] nextNonce;
        private long turn;

        public Flow(List<String> accounts, int market, int batch, long seed) {
            if (batch < 1) {
                throw new IllegalArgumentException("a transaction carries at least one order, not " + batch);
            }
            this.accounts = List.copyOf(accounts);
            this.market = market;
            this.batch = batch;
            this.rnd = new Random(seed);
            this.placed = new int[accounts.size()];
            this.placedBeforeCancelAll = new int[accounts.size()];
            this.actions = new long[accounts.size()];
            this.phase = new int[accounts.size()];
            for (int a = 0; a < phase.length; a++) {
                phase[a] = (int) ((long) a * CANCEL_ALL_EVERY / phase.length);
            }
            this.nextNonce = new long[accounts.size()];
            Arrays.fill(nextNonce, 2);
        }

        /** The next {@code orders} order actions as transactions, per account in the order they must be sent. */
        public List<List<String>> next(int orders) {
            List<List<String>> mine = new ArrayList<>(accounts.size());
            for (int i = 0; i < accounts.size(); i++) {
                mine.add(new ArrayList<>(orders / accounts.size() + 1));
            }
            for (int i = 0; i < orders; i++) {
                int a = (int) (turn++ % accounts.size());
                mine.get(a).add(action(a));
            }
            List<List<String>> perAccount = new ArrayList<>(accounts.size());
            for (int a = 0; a < accounts.size(); a++) {
                perAccount.add(transactions(a, mine.get(a)));
            }
            return perAccount;
        }

        /** Account {@code a}'s next action: the fields of a place, a cancel or a cancel_all, without braces, account or nonce. */
        private String action(int a) {
            if ((++actions[a] + phase[a]) % CANCEL_ALL_EVERY == 0) {
                placedBeforeCancelAll[a] = placed[a];
                return "\"type\":\"cancel_all\",\"market\":" + market;
            }
            int live = placed[a] - placedBeforeCancelAll[a]; // placed since the last cancel_all: the ones that may still rest
            if (live > 0 && rnd.nextInt(100) < 15) {
                return "\"type\":\"cancel\",\"clientOrderId\":\"c" + (placedBeforeCancelAll[a] + rnd.nextInt(live)) + "\"";
            }
            boolean buy = rnd.nextBoolean();
            // Offsets in [-6, 14) from the mid on the passive side: about 30% of orders cross.
            long offset = rnd.nextInt(20) - 6;
            long price = buy ? MID - offset : MID + offset;
            return "\"type\":\"place\",\"market\":" + market + ",\"side\":\"" + (buy ? "buy" : "sell") + "\",\"price\":" + price
                    + ",\"size\":" + (1 + rnd.nextInt(10)) + ",\"clientOrderId\":\"c" + placed[a]++ + "\"";
        }

        private List<String> transactions(int a, List<String> mine) {
            String account = accounts.get(a);
            List<String> txs = new ArrayList<>(mine.size() / batch + 1);
            for (int from = 0; from < mine.size(); from += batch) {
                long nonce = nextNonce[a]++;
                if (batch == 1) {
                    txs.add("{\"account\":\"" + account + "\",\"nonce\":" + nonce + "," + mine.get(from) + "}");
                    continue;
                }
                StringBuilder b = new StringBuilder(64 + batch * 110).append("{\"type\":\"batch\",\"account\":\"").append(account)
                        .append("\",\"nonce\":").append(nonce).append(",\"actions\":[");
                for (int i = from; i < Math.min(mine.size(), from + batch); i++) {
                    b.append(i > from ? ",{" : "{").append(mine.get(i)).append('}');
                }
                txs.add(b.append("]}").toString());
            }
            return txs;
        }
    }
}
