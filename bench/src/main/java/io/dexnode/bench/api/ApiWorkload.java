package io.dexnode.bench.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The order flow of the API benchmark, as unsigned transaction JSON per account in nonce order:
 * limit orders around a mid price (about a third cross and trade), and cancels by client order
 * id of the account's own earlier orders. Seeded, so two runs send the same transactions.
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
     * {@code orders} transactions spread round-robin over {@code accounts}, returned per account in
     * the order they must be sent (nonces 2, 3, …).
     */
    public static List<List<String>> orders(List<String> accounts, int market, int orders, long seed) {
        Random rnd = new Random(seed);
        List<List<String>> perAccount = new ArrayList<>(accounts.size());
        int[] placed = new int[accounts.size()];
        for (int i = 0; i < accounts.size(); i++) {
            perAccount.add(new ArrayList<>(orders / accounts.size() + 1));
        }
        for (int i = 0; i < orders; i++) {
            int a = i % accounts.size();
            String account = accounts.get(a);
            long nonce = perAccount.get(a).size() + 2;
            String head = "{\"account\":\"" + account + "\",\"nonce\":" + nonce + ",";
            if (placed[a] > 0 && rnd.nextInt(100) < 15) {
                perAccount.get(a).add(head + "\"type\":\"cancel\",\"clientOrderId\":\"c" + rnd.nextInt(placed[a]) + "\"}");
                continue;
            }
            boolean buy = rnd.nextBoolean();
            // Offsets in [-6, 14) from the mid on the passive side: about 30% of orders cross.
            long offset = rnd.nextInt(20) - 6;
            long price = buy ? MID - offset : MID + offset;
            perAccount.get(a).add(head + "\"type\":\"place\",\"market\":" + market + ",\"side\":\"" + (buy ? "buy" : "sell")
                    + "\",\"price\":" + price + ",\"size\":" + (1 + rnd.nextInt(10)) + ",\"clientOrderId\":\"c" + placed[a]++ + "\"}");
        }
        return perAccount;
    }
}
