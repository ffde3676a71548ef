package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.crypto.Signer;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The admission rules without a node: who may sign what. */
class TxAdmissionTest {
    private final Signer admin = Signer.generate();
    private final Signer alice = Signer.generate();
    private final TxAdmission prod = new TxAdmission(admin.account(), false, "main", false);
    private final TxAdmission dev = new TxAdmission(null, true, "local", false);
    private final TxAdmission strict = new TxAdmission(admin.account(), false, "main", true);

    private static byte[] env(Signer s, String payload) {
        return s.envelope(payload).getBytes(StandardCharsets.UTF_8);
    }

    private static void refused(ThrowingCallable call, RejectCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private String tx(String type, String account, String rest) {
        return "{\"type\":\"" + type + "\",\"account\":\"" + account + "\",\"nonce\":1" + rest + "}";
    }

    @Test
    void ownOrderTransactionsAreAdmitted() {
        Tx tx = prod.admit(env(alice, tx("place", alice.account(), ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1"))).tx();
        assertThat(tx).isInstanceOf(Tx.Place.class);
        assertThat(tx.account()).isEqualTo(alice.account());
    }

    /**
     * What executes is what was signed. A payload string holding an unpaired surrogate (a lone JSON
     * escape of U+D800 in the envelope) has no UTF-8 form: its signature covers bytes where that
     * character is '?', so the string is not what was signed, and it is refused whole.
     */
    @Test
    void aPayloadStringThatIsNotItsSignedBytesIsMalformed() {
        String payload = tx("place", alice.account(), ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":\"c\uD800\"");
        String signature = java.util.HexFormat.of().formatHex(alice.sign(payload.getBytes(StandardCharsets.UTF_8)));
        String escaped = payload.replace("\"", "\\\"").replace("\uD800", "\\ud800");
        byte[] body = ("{\"payload\":\"" + escaped + "\",\"pubkey\":\"" + alice.account() + "\",\"signature\":\""
                + signature + "\"}").getBytes(StandardCharsets.UTF_8);
        refused(() -> dev.admit(body), RejectCode.MALFORMED);

        AdmittedTx admitted = dev.admit(env(alice, payload.replace("\uD800", "?")));
        assertThat(((Tx.Place) admitted.tx()).clientOrderId()).isEqualTo("c?");
        assertThat(admitted.tx()).isEqualTo(dev.parseAdmitted(admitted.signed()));
    }

    /** An unpaired surrogate escaped inside the signed payload itself is refused whole, before any block. */
    @Test
    void anUnpairedSurrogateInsideTheSignedPayloadIsMalformed() {
        String payload = tx("cancel", alice.account(), ",\"clientOrderId\":\"\\ud800\"");
        refused(() -> dev.admit(env(alice, payload)), RejectCode.MALFORMED);
    }

    @Test
    void actingForAnotherAccountIsNotAllowed() {
        refused(() -> prod.admit(env(alice, tx("withdraw", admin.account(), ",\"amount\":1"))), RejectCode.NOT_ALLOWED);
        refused(() -> prod.admit(env(admin, tx("withdraw", alice.account(), ",\"amount\":1"))), RejectCode.NOT_ALLOWED);
    }

    @Test
    void depositsFollowTheAdminAndDevRules() {
        refused(() -> prod.admit(env(alice, tx("deposit", alice.account(), ",\"amount\":1"))), RejectCode.NOT_ALLOWED);
        assertThat(prod.admit(env(admin, tx("deposit", "anyone", ",\"amount\":1"))).tx().account()).isEqualTo("anyone");
        assertThat(dev.admit(env(alice, tx("deposit", alice.account(), ",\"amount\":1"))).tx()).isInstanceOf(Tx.Deposit.class);
        refused(() -> dev.admit(env(alice, tx("deposit", "bob", ",\"amount\":1"))), RejectCode.NOT_ALLOWED);
    }

    @Test
    void chainParametersAreNeverAdmittedOverTheNetwork() {
        String params = "{\"type\":\"chain_params\",\"nonce\":1,\"archiveAfterBlocks\":5}";
        refused(() -> prod.admit(env(admin, params)), RejectCode.NOT_ALLOWED);
        refused(() -> dev.admit(env(alice, tx("chain_params", alice.account(), ",\"archiveAfterBlocks\":5"))), RejectCode.NOT_ALLOWED);
    }

    @Test
    void onlyTheAdminCreatesMarkets() {
        String market = "{\"type\":\"create_market\",\"nonce\":1,\"market\":2,\"symbol\":\"E\",\"tickSize\":1,\"lotSize\":1,"
                + "\"minSize\":1,\"makerFeeBps\":0,\"takerFeeBps\":0,\"initialMarginBps\":100,\"maintenanceMarginBps\":50}";
        assertThat(prod.admit(env(admin, market)).tx()).isInstanceOf(Tx.CreateMarket.class);
        refused(() -> prod.admit(env(alice, market)), RejectCode.NOT_ALLOWED);
        refused(() -> dev.admit(env(alice, market)), RejectCode.NOT_ALLOWED);
    }

    @Test
    void indexPricesNeedTheMarketsOracleKeyElseTheChainsElseTheAdmins() {
        Signer oracle = Signer.generate();
        Signer btcOracle = Signer.generate();
        TxAdmission withOracles = new TxAdmission(admin.account(), false, "main", false, oracle.account(),
                java.util.Map.of(1, btcOracle.account()));
        String btc = ",\"market\":1,\"price\":100";
        String eth = ",\"market\":2,\"price\":100";
        assertThat(withOracles.admit(env(btcOracle, tx("set_index_price", btcOracle.account(), btc))).tx())
                .isInstanceOf(Tx.SetIndexPrice.class);
        refused(() -> withOracles.admit(env(oracle, tx("set_index_price", oracle.account(), btc))), RejectCode.NOT_ALLOWED);
        assertThat(withOracles.admit(env(oracle, tx("set_index_price", oracle.account(), eth))).tx()).isInstanceOf(Tx.SetIndexPrice.class);
        refused(() -> withOracles.admit(env(admin, tx("set_index_price", admin.account(), eth))), RejectCode.NOT_ALLOWED);
        refused(() -> withOracles.admit(env(oracle, tx("set_index_price", alice.account(), eth))), RejectCode.NOT_ALLOWED);
        assertThat(prod.admit(env(admin, tx("set_index_price", admin.account(), eth))).tx()).as("no oracle: the admin's key")
                .isInstanceOf(Tx.SetIndexPrice.class);
        refused(() -> prod.admit(env(alice, tx("set_index_price", alice.account(), eth))), RejectCode.NOT_ALLOWED);
        refused(() -> dev.admit(env(alice, tx("set_index_price", alice.account(), eth))), RejectCode.NOT_ALLOWED);
    }

    @Test
    void signatureProblemsAre401AndShapeProblems400() {
        String good = alice.envelope(tx("withdraw", alice.account(), ",\"amount\":1"));
        refused(() -> prod.admit(good.replace("\"amount\\\":1", "\"amount\\\":2").getBytes(StandardCharsets.UTF_8)),
                RejectCode.BAD_SIGNATURE);
        refused(() -> prod.admit(good.replaceFirst("\"signature\":\"..", "\"signature\":\"zz").getBytes(StandardCharsets.UTF_8)),
                RejectCode.BAD_SIGNATURE);
        refused(() -> prod.admit("{\"payload\":\"{}\"}".getBytes(StandardCharsets.UTF_8)), RejectCode.BAD_SIGNATURE);
        refused(() -> prod.admit("{".getBytes(StandardCharsets.UTF_8)), RejectCode.MALFORMED);
        refused(() -> prod.admit("{\"payload\":1}".getBytes(StandardCharsets.UTF_8)), RejectCode.MALFORMED);
        refused(() -> prod.admit(env(alice, "{\"type\":\"withdraw\",\"account\":\"" + alice.account() + "\",\"amount\":1}")),
                RejectCode.MALFORMED);
        refused(() -> prod.admit(env(alice, "{\"type\":\"teleport\",\"nonce\":1}")), RejectCode.MALFORMED);
    }

    @Test
    void aPayloadNamingThisChainIsAdmittedAsTheSameTransactionWithoutTheField() {
        String withdraw = tx("withdraw", alice.account(), ",\"amount\":7");
        String bound = tx("withdraw", alice.account(), ",\"amount\":7,\"chainId\":\"main\"");
        assertThat(prod.admit(env(alice, bound)).tx()).isEqualTo(prod.admit(env(alice, withdraw)).tx());
        assertThat(strict.admit(env(alice, bound)).tx()).isEqualTo(new Tx.Withdraw(alice.account(), 1, 7));
    }

    @Test
    void aPayloadSignedForAnotherChainIsRefusedWhetherOrNotTheChainRequiresTheField() {
        String other = tx("place", alice.account(), ",\"chainId\":\"test\",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1");
        refused(() -> prod.admit(env(alice, other)), RejectCode.WRONG_CHAIN);
        refused(() -> strict.admit(env(alice, other)), RejectCode.WRONG_CHAIN);
        // the comparison is exact: no case folding, no trimming
        refused(() -> prod.admit(env(alice, tx("withdraw", alice.account(), ",\"amount\":1,\"chainId\":\"Main\""))),
                RejectCode.WRONG_CHAIN);
        refused(() -> prod.admit(env(alice, tx("withdraw", alice.account(), ",\"amount\":1,\"chainId\":\"main \""))),
                RejectCode.WRONG_CHAIN);
    }

    @Test
    void aChainThatRequiresTheFieldRefusesAPayloadWithoutIt() {
        String unbound = tx("withdraw", alice.account(), ",\"amount\":1");
        refused(() -> strict.admit(env(alice, unbound)), RejectCode.WRONG_CHAIN);
        assertThat(prod.admit(env(alice, unbound)).tx()).isInstanceOf(Tx.Withdraw.class);
        String market = "{\"type\":\"create_market\",\"nonce\":1,\"market\":2,\"symbol\":\"E\",\"tickSize\":1,\"lotSize\":1,"
                + "\"minSize\":1,\"makerFeeBps\":0,\"takerFeeBps\":0,\"initialMarginBps\":100,\"maintenanceMarginBps\":50}";
        refused(() -> strict.admit(env(admin, market)), RejectCode.WRONG_CHAIN);
        assertThat(strict.admit(env(admin, market.replace("{\"type\"", "{\"chainId\":\"main\",\"type\""))).tx())
                .isInstanceOf(Tx.CreateMarket.class);
    }

    @Test
    void aChainIdThatIsNotOneStringIsMalformed() {
        refused(() -> prod.admit(env(alice, tx("withdraw", alice.account(), ",\"amount\":1,\"chainId\":7"))),
                RejectCode.MALFORMED);
        refused(() -> prod.admit(env(alice, tx("withdraw", alice.account(), ",\"amount\":1,\"chainId\":null"))),
                RejectCode.MALFORMED);
        refused(() -> prod.admit(env(alice,
                tx("withdraw", alice.account(), ",\"amount\":1,\"chainId\":\"main\",\"chainId\":\"main\""))),
                RejectCode.MALFORMED);
    }
}
