package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.engine.schema.AccountRecord;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StateQueries#margin}'s {@code withdrawable} is exactly the engine's withdrawal rule read
 * from committed state: a withdrawal of that amount is accepted, one unit more is refused and
 * changes nothing. Checked on accounts with positions and open orders in two markets, all along
 * a seeded random block stream.
 */
class AccountMarginTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void withdrawableIsTheLargestWithdrawalTheEngineAccepts(long seed) {
        EngineFixture f = new EngineFixture();
        StateQueries q = new StateQueries(f.store);
        RandomBlocks blocks = new RandomBlocks(seed, 6, 40);
        SplittableRandom pick = new SplittableRandom(seed * 31);
        int withPositions = 0;
        int belowCollateral = 0;
        for (int b = 0; b < 300; b++) {
            f.block(blocks.next().txs());
            if (b == 0 || b % 3 != 0) {
                continue;
            }
            String name = RandomBlocks.name(pick.nextInt(6));
            AccountRecord account = q.accountByName(name);
            StateQueries.AccountMargin m = q.margin(account);
            long w = m.withdrawable();
            assertThat(w).isBetween(0L, Math.max(0, account.collateral()));
            BigInteger surplus = m.equity().subtract(m.initialMargin());
            assertThat(BigInteger.valueOf(w)).isEqualTo(surplus.min(BigInteger.valueOf(account.collateral())).max(BigInteger.ZERO));
            if (account.markets().length > 0) {
                withPositions++;
            }
            if (w < account.collateral()) {
                belowCollateral++;
            }
            RejectCode beyond = w < account.collateral() ? RejectCode.INSUFFICIENT_MARGIN : RejectCode.INSUFFICIENT_BALANCE;
            f.assertRejectedWithoutEffect(new Tx.Withdraw(name, 0, w + 1), beyond);
            if (w > 0) {
                TxResult r = f.one(new Tx.Withdraw(name, 0, w));
                assertThat(r.accepted()).as("withdraw %d of %s: %s", w, name, r.rejection()).isTrue();
                StateQueries.AccountMargin after = q.margin(q.accountByName(name));
                assertThat(after.withdrawable()).as("nothing is left to withdraw").isZero();
            }
        }
        // the stream must reach the cases that matter: accounts with positions, and margin binding
        assertThat(withPositions).isGreaterThan(20);
        assertThat(belowCollateral).isGreaterThan(5);
    }
}
