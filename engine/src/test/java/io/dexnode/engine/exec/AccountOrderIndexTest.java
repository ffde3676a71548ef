package io.dexnode.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.Side;
import io.dexnode.engine.recovery.RestingOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AccountOrderIndexTest {

    @Test
    void bulkLoadIndexesExactlyWhatOneByOneAddsWouldAndStaysUsable() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<List<RestingOrder>> byMarket = new ArrayList<>();
        TreeMap<Long, TreeSet<Long>> model = new TreeMap<>();
        TreeMap<String, Integer> perMarket = new TreeMap<>();
        long id = 0;
        for (int m = 1; m <= 7; m++) {
            List<RestingOrder> orders = new ArrayList<>();
            int n = m == 3 ? 0 : rnd.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                // a few accounts with many orders (set sizes across powers of two), many with few
                long account = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 10 + rnd.nextInt(500);
                id += 1 + rnd.nextInt(5);
                String clientId = rnd.nextInt(10) == 0 ? "c" + id : null;
                orders.add(new RestingOrder(m, id, account, Side.BUY, 100, 1, id, clientId));
                model.computeIfAbsent(account, a -> new TreeSet<>()).add(id);
                perMarket.merge(account + "/" + m, 1, Integer::sum);
            }
            byMarket.add(orders);
        }
        AccountOrderIndex bulk = new AccountOrderIndex();
        bulk.addAll(byMarket);
        for (long account = 0; account < 600; account++) {
            long[] expected = model.getOrDefault(account, new TreeSet<>()).stream().mapToLong(Long::longValue).toArray();
            assertThat(bulk.sorted(account)).as("account %d", account).containsExactly(expected);
            for (int m = 1; m <= 8; m++) {
                assertThat(bulk.openOrders(account, m)).as("account %d in market %d", account, m)
                        .isEqualTo(perMarket.getOrDefault(account + "/" + m, 0));
            }
        }
        for (List<RestingOrder> orders : byMarket) {
            for (RestingOrder o : orders) {
                assertThat(bulk.clientIdOf(o.orderId())).isEqualTo(o.clientOrderId());
                if (o.clientOrderId() != null) {
                    assertThat(bulk.byClientId(o.accountId(), o.clientOrderId())).isEqualTo(o.orderId());
                }
            }
        }
        // sets sized by the bulk load still grow and shrink
        long busy = 1;
        long before = bulk.sorted(busy).length;
        int beforeInMarket1 = bulk.openOrders(busy, 1);
        for (long extra = 1; extra <= 1_000; extra++) {
            bulk.add(busy, 1, 10_000_000 + extra, null);
        }
        bulk.remove(busy, 1, 10_000_001, null);
        assertThat(bulk.sorted(busy)).hasSize((int) before + 999);
        assertThat(bulk.openOrders(busy, 1)).isEqualTo(beforeInMarket1 + 999);
    }

    @Test
    void openOrdersCountsEachAccountsRestingOrdersPerMarket() {
        AccountOrderIndex index = new AccountOrderIndex();
        index.add(7, 2, 100, null);
        index.add(7, 2, 101, "c1");
        index.add(7, 5, 102, null);
        index.add(7, 2, 101, "c1"); // already there: counted once
        index.add(8, 2, 103, null);
        assertThat(index.openOrders(7, 2)).isEqualTo(2);
        assertThat(index.openOrders(7, 5)).isEqualTo(1);
        assertThat(index.openOrders(7, 1)).isZero();
        assertThat(index.openOrders(8, 2)).isEqualTo(1);
        assertThat(index.openOrders(9, 2)).isZero();
        index.remove(7, 2, 999, null); // not there: nothing changes
        index.remove(7, 2, 100, null);
        assertThat(index.openOrders(7, 2)).isEqualTo(1);
        index.remove(7, 2, 101, "c1");
        index.remove(7, 5, 102, null);
        assertThat(index.openOrders(7, 2)).isZero();
        assertThat(index.openOrders(7, 5)).isZero();
        assertThat(index.sorted(7)).isEmpty();
        index.add(7, 5, 104, null);
        assertThat(index.openOrders(7, 5)).as("an account that left the index and came back").isEqualTo(1);
    }
}
