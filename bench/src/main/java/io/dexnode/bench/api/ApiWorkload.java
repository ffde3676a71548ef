package io.dexnode.bench.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The order flow of the API benchmark, as unsigned transaction JSON per account in nonce order:
 * limit orders around a mid price (about a third cross and trade), and cancels by client order
 * id of the account's own earlier orders; one order action per transaction, or {@code batch} of
 * them per batch transaction. Seeded, so two runs send the same transactions.
 */
public final class ApiWorkload {
    /** Every account's first transaction (nonce 1) is a deposit of this much. */
    public static final long DEPOSIT = 1_000_000_000_000L;
    private static final long MID = 100_000;

    private ApiWorkload() {
    }

    /** The deposit that funds {@code account} (nonce 1). */
    public static String deposit(String account) {
        return "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"nonce\":1,\"amount\":" + DEPOSIT + "}";
    }

    /**
     * {@code orders} transactions of one action each, spread round-robin over {@code accounts},
     * returned per account in the order they must be sent (nonces 2, 3, …).
     */
    public static List<List<String>> orders(List<String> accounts, int market, int orders, long seed) {
        return transactions(accounts, market, orders, 1, seed);
    }

    /**
     * {@code orders} order actions spread round-robin over {@code accounts}, sent {@code batch} to a
     * transaction ({@code batch} 1: plain transactions; more: batches, an account's last one
     * possibly smaller), per account in the order they must be sent (nonces 2, 3, …).
     */
    public static List<List<String>> transactions(List<String> accounts, int market, int orders, int batch, long seed) {
        return transactions(accounts, market, orders, batch, seed, 2, "c");
    }

    /**
     * As {@link #transactions(List, int, int, int, long)}, with each account's nonces from
     * {@code firstNonce} up and client order ids {@code idPrefix} + a number: a later stream for the
     * same accounts (the measured run after a warm-up) continues their nonces without reusing an id.
     */
    public static List<List<String>> transactions(List<String> accounts, int market, int orders, int batch, long seed,
                                                  long firstNonce, String idPrefix) {
        if (batch < 1) {
            throw new IllegalArgumentException("a transaction carries at least one order, not " + batch);
        }
        List<List<String>> actions = actions(accounts.size(), market, orders, seed, idPrefix);
        List<List<String>> perAccount = new ArrayList<>(accounts.size());
        for (int a = 0; a < accounts.size(); a++) {
            String account = accounts.get(a);
            List<String> mine = actions.get(a);
            List<String> txs = new ArrayList<>(mine.size() / batch + 1);
            for (int from = 0; from < mine.size(); from += batch) {
                long nonce = firstNonce + txs.size();
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
            perAccount.add(txs);
        }
        return perAccount;
    }

    /** Each account's order actions in order: the fields of a place or a cancel, without braces, account or nonce. */
    private static List<List<String>> actions(int accounts, int market, int orders, long seed, String idPrefix) {
        Random rnd = new Random(seed);
        List<List<String>> perAccount = new ArrayList<>(accounts);
        int[] placed = new int[accounts];
        for (int i = 0; i < accounts; i++) {
            perAccount.add(new ArrayList<>(orders / accounts + 1));
        }
        for (int i = 0; i < orders; i++) {
            int a = i % accounts;
            if (placed[a] > 0 && rnd.nextInt(100) < 15) {
                perAccount.get(a).add("\"type\":\"cancel\",\"clientOrderId\":\"" + idPrefix + rnd.nextInt(placed[a]) + "\"");
                continue;
            }
            boolean buy = rnd.nextBoolean();
            // Offsets in [-6, 14) from the mid on the passive side: about 30% of orders cross.
            long offset = rnd.nextInt(20) - 6;
            long price = buy ? MID - offset : MID + offset;
            perAccount.get(a).add("\"type\":\"place\",\"market\":" + market + ",\"side\":\"" + (buy ? "buy" : "sell")
                    + "\",\"price\":" + price + ",\"size\":" + (1 + rnd.nextInt(10)) + ",\"clientOrderId\":\"" + idPrefix + placed[a]++ + "\"");
        }
        return perAccount;
    }
}
