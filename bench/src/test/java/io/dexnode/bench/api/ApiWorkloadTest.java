package io.dexnode.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiWorkloadTest {
    private static final List<String> ACCOUNTS = List.of("a1", "a2", "a3");

    @Test
    void theSameSeedSendsTheSameTransactions() {
        assertThat(ApiWorkload.orders(ACCOUNTS, 1, 100, 7)).isEqualTo(ApiWorkload.orders(ACCOUNTS, 1, 100, 7));
        assertThat(ApiWorkload.orders(ACCOUNTS, 1, 100, 7)).isNotEqualTo(ApiWorkload.orders(ACCOUNTS, 1, 100, 8));
    }

    @Test
    void eachAccountsTransactionsFollowTheDepositInNonceOrder() {
        List<List<String>> perAccount = ApiWorkload.orders(ACCOUNTS, 1, 100, 7);
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
        List<List<String>> single = ApiWorkload.transactions(ACCOUNTS, 1, 100, 1, 7);
        List<List<String>> batched = ApiWorkload.transactions(ACCOUNTS, 1, 100, 20, 7);
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
}
