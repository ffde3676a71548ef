package io.dexnode.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark's order flow: deterministic, in nonce order, continuing across calls, and bounded in resting orders. */
class ApiWorkloadTest {
    private static final List<String> ACCOUNTS = List.of("a1", "a2", "a3");

    private static ApiWorkload.Flow flow(int batch, long seed) {
        return new ApiWorkload.Flow(ACCOUNTS, 1, batch, seed);
    }

    @Test
    void theSameSeedSendsTheSameTransactions() {
        assertThat(flow(1, 7).next(100)).isEqualTo(flow(1, 7).next(100));
        assertThat(flow(1, 7).next(100)).isNotEqualTo(flow(1, 8).next(100));
    }

    @Test
    void eachAccountsTransactionsFollowTheDepositInNonceOrder() {
        List<List<String>> perAccount = flow(1, 7).next(100);
        assertThat(perAccount.stream().mapToInt(List::size).sum()).isEqualTo(100);
        for (int a = 0; a < ACCOUNTS.size(); a++) {
            List<String> txs = perAccount.get(a);
            for (int i = 0; i < txs.size(); i++) {
                assertThat(txs.get(i)).contains("\"account\":\"" + ACCOUNTS.get(a) + "\"", "\"nonce\":" + (i + 2) + ",");
            }
        }
        assertThat(ApiWorkload.deposit("a1")).contains("\"type\":\"deposit\"", "\"nonce\":1,");
    }

    @Test
    void batchesCarryTheSameOrdersUnderOneNonceEach() {
        List<List<String>> single = flow(1, 7).next(100);
        List<List<String>> batched = flow(20, 7).next(100);
        for (int a = 0; a < ACCOUNTS.size(); a++) {
            List<String> batches = batched.get(a);
            assertThat(batches).hasSize((single.get(a).size() + 19) / 20);
            int actions = 0;
            for (int i = 0; i < batches.size(); i++) {
                String b = batches.get(i);
                assertThat(b).startsWith("{\"type\":\"batch\",\"account\":\"" + ACCOUNTS.get(a) + "\",\"nonce\":" + (i + 2) + ",");
                actions += b.split("\\{\"type\":").length - 2;
            }
            assertThat(actions).as("account %d's orders", a).isEqualTo(single.get(a).size());
        }
    }

    @Test
    void aFlowContinuesNoncesAndClientOrderIdsFromOneCallToTheNext() {
        ApiWorkload.Flow flow = new ApiWorkload.Flow(ACCOUNTS, 1, 1, 7);
        List<List<String>> first = flow.next(30);
        List<List<String>> second = flow.next(30);
        for (int a = 0; a < ACCOUNTS.size(); a++) {
            List<String> txs = new ArrayList<>(first.get(a));
            txs.addAll(second.get(a));
            Set<String> placedIds = new HashSet<>();
            for (int i = 0; i < txs.size(); i++) {
                assertThat(txs.get(i)).contains("\"nonce\":" + (i + 2) + ",");
                Matcher m = Pattern.compile("\"type\":\"place\".*\"clientOrderId\":\"(c\\d+)\"")
                        .matcher(txs.get(i));
                if (m.find()) {
                    assertThat(placedIds.add(m.group(1))).as("client order id %s placed once", m.group(1)).isTrue();
                }
            }
        }
        // one flow in two calls sends what one call of the same length sends
        List<List<String>> whole = new ApiWorkload.Flow(ACCOUNTS, 1, 1, 7).next(60);
        for (int a = 0; a < ACCOUNTS.size(); a++) {
            List<String> joined = new ArrayList<>(first.get(a));
            joined.addAll(second.get(a));
            assertThat(joined).isEqualTo(whole.get(a));
        }
    }

    @Test
    void everyAccountCancelsAllItsOrdersOftenEnoughToStayUnderTheMarketsOpenOrderCap() {
        // The genesis market allows 1,000 resting orders per account: between two cancel_alls an account sends fewer actions.
        ApiWorkload.Flow flow = new ApiWorkload.Flow(ACCOUNTS, 1, 1, 7);
        int actionsPerAccount = 3 * ApiWorkload.CANCEL_ALL_EVERY;
        List<List<String>> perAccount = flow.next(ACCOUNTS.size() * actionsPerAccount);
        for (List<String> txs : perAccount) {
            int since = 0;
            int cancelAlls = 0;
            for (String tx : txs) {
                if (tx.contains("\"type\":\"cancel_all\",\"market\":1")) {
                    cancelAlls++;
                    since = 0;
                } else {
                    assertThat(++since).isLessThan(1_000);
                }
            }
            assertThat(cancelAlls).isEqualTo(3);
        }
    }

    @Test
    void theAccountsCancelAllsComeOneAtATimeNotInAWave() {
        // Every account's n-th action is sent in round n of the turns: in step, the cancel_alls of all
        // accounts would fall in the same round and land in the same few blocks.
        List<String> accounts = new ArrayList<>();
        for (int a = 0; a < 128; a++) {
            accounts.add("a" + a);
        }
        List<List<String>> perAccount = new ApiWorkload.Flow(accounts, 1, 1, 7).next(128 * 2 * ApiWorkload.CANCEL_ALL_EVERY);
        int[] perRound = new int[2 * ApiWorkload.CANCEL_ALL_EVERY];
        for (List<String> txs : perAccount) {
            int cancelAlls = 0;
            for (int round = 0; round < txs.size(); round++) {
                if (txs.get(round).contains("\"type\":\"cancel_all\"")) {
                    perRound[round]++;
                    cancelAlls++;
                }
            }
            assertThat(cancelAlls).isEqualTo(2);
        }
        assertThat(Arrays.stream(perRound).max().orElseThrow()).isEqualTo(1);
    }
}
