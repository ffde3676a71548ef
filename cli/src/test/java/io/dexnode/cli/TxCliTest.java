package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.cli.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode keygen} and {@code dexnode tx …} against a running node, as the README uses them. */
@Timeout(300)
class TxCliTest {
    private static DevNode node;

    @BeforeAll
    static void start() throws Exception {
        node = DevNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Exit status and standard output of one CLI run. */
    record Run(int status, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int status = Main.execute(args);
            return new Run(status, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void keygenWritesAKeyFileWhosePublicKeyIsTheAccount(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("alice.json");
        Run r = run("keygen", "--out", key.toString());
        assertThat(r.status()).isZero();
        JsonNode k = new ObjectMapper().readTree(Files.readString(key));
        assertThat(k.get("publicKey").asText()).matches("[0-9a-f]{64}");
        assertThat(r.out()).contains(k.get("publicKey").asText());
        assertThat(run("keygen", "--out", key.toString()).status()).isEqualTo(1);
    }

    @Test
    void depositPlaceCrossAndCancelPrintReadableResults(@TempDir Path dir) {
        Path alice = dir.resolve("alice.json");
        Path bob = dir.resolve("bob.json");
        run("keygen", "--out", alice.toString());
        run("keygen", "--out", bob.toString());
        String n = node.url();
        assertThat(run("tx", "deposit", "--key", alice.toString(), "--amount", "1000000", "--node", n).out()).contains("accepted");
        assertThat(run("tx", "deposit", "--key", bob.toString(), "--amount", "1000000", "--node", n).status()).isZero();
        Run buy = run("tx", "place", "--key", alice.toString(), "--side", "buy", "--price", "7", "--size", "5", "--node", n);
        assertThat(buy.status()).isZero();
        assertThat(buy.out()).contains("active", "remaining 5");
        Run sell = run("tx", "place", "--key", bob.toString(), "--side", "sell", "--price", "7", "--size", "3", "--node", n);
        assertThat(sell.out()).contains("filled", "trade: 3 @ 7");
        long orderId = Long.parseLong(buy.out().replaceAll("(?s).*order (\\d+) active.*", "$1"));
        Run steal = run("tx", "cancel", "--key", bob.toString(), "--order", Long.toString(orderId), "--node", n);
        assertThat(steal.status()).isEqualTo(1);
        assertThat(steal.out()).contains("rejected (403 not_owner)");
        Run cancel = run("tx", "cancel-all", "--key", alice.toString(), "--node", n);
        assertThat(cancel.out()).contains("cancelled 1 orders");
        Run json = run("tx", "withdraw", "--key", alice.toString(), "--amount", "1", "--json", "--node", n);
        assertThat(json.out()).startsWith("{\"height\":");
    }

    @Test
    void batchSignsAFileOfActionsOnceAndPrintsEachResult(@TempDir Path dir) throws Exception {
        Path carol = dir.resolve("carol.json");
        run("keygen", "--out", carol.toString());
        String n = node.url();
        assertThat(run("tx", "deposit", "--key", carol.toString(), "--amount", "1000000", "--node", n).status()).isZero();
        Path actions = dir.resolve("actions.json");
        Files.writeString(actions, "[{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":3,\"size\":2,\"clientOrderId\":\"q\"},"
                + "{\"type\":\"cancel\",\"order\":987654},{\"type\":\"cancel\",\"clientOrderId\":\"q\"}]");
        Run batch = run("tx", "batch", "--key", carol.toString(), "--file", actions.toString(), "--node", n);
        assertThat(batch.status()).as(batch.out()).isZero();
        assertThat(batch.out()).contains("batch of 3 actions", "1. place: order", "2. rejected (404 unknown_order)",
                "3. cancel: order", "cancelled");
        long last = new NodeClient(n).lastNonce(Signer.read(carol).account());
        assertThat(last).as("the deposit's nonce and the batch's").isEqualTo(2);
        Files.writeString(actions, "[{\"type\":\"cancel_all\",\"nonce\":7}]");
        Run malformed = run("tx", "batch", "--key", carol.toString(), "--file", actions.toString(), "--node", n);
        assertThat(malformed.status()).isEqualTo(1);
        assertThat(malformed.out()).contains("rejected (400 malformed)");
        Files.writeString(actions, "{\"not\":\"actions\"}");
        assertThat(run("tx", "batch", "--key", carol.toString(), "--file", actions.toString(), "--node", n).status()).isEqualTo(2);
    }

    @Test
    void setIndexPriceIsSignedByTheGenesisOracleKeyAndRefusedToAnyOther(@TempDir Path dir) throws Exception {
        Path oracle = dir.resolve("oracle.json");
        Path alice = dir.resolve("alice.json");
        run("keygen", "--out", oracle.toString());
        run("keygen", "--out", alice.toString());
        String key = new ObjectMapper().readTree(Files.readString(oracle)).get("publicKey").asText();
        try (DevNode withOracle = DevNode.withGenesis(g -> g.put("oracle", key))) {
            Run set = run("tx", "set-index-price", "--key", oracle.toString(), "--market", "1", "--price", "100",
                    "--node", withOracle.url());
            assertThat(set.status()).as(set.out()).isZero();
            assertThat(set.out()).contains("index price of market 1 is 100");
            JsonNode market = new NodeClient(withOracle.url()).get("/v1/markets/1").json();
            assertThat(market.get("indexPrice").asLong()).isEqualTo(100);
            assertThat(market.get("markPrice").asLong()).isEqualTo(100);
            Run refused = run("tx", "set-index-price", "--key", alice.toString(), "--price", "90", "--node", withOracle.url());
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.out()).contains("rejected (403 not_allowed)");
        }
    }

    @Test
    void noNodeIsAClearError(@TempDir Path dir) {
        Path key = dir.resolve("k.json");
        run("keygen", "--out", key.toString());
        assertThat(run("tx", "withdraw", "--key", key.toString(), "--amount", "1", "--node", "http://127.0.0.1:1").status())
                .isEqualTo(2);
    }

    @Test
    void aMissingKeyFileIsAClearErrorThatSaysHowToMakeOne(@TempDir Path dir) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Main.execute("tx", "withdraw", "--key", dir.resolve("absent.json").toString(), "--amount", "1");
        } finally {
            System.setErr(old);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no key file at", "absent.json", "dexnode keygen --out");
    }

    @Test
    void onAChainThatRequiresItsIdTxSignsForThatChainAndAnUnboundPayloadIsRefused(@TempDir Path dir) throws Exception {
        try (DevNode strict = DevNode.withGenesis(g -> g.put("chainId", "dexnode-prod").put("requireChainId", true))) {
            NodeClient client = new NodeClient(strict.url());
            JsonNode chain = client.get("/v1/chain").json();
            assertThat(chain.get("chainId").asText()).isEqualTo("dexnode-prod");
            assertThat(chain.get("requireChainId").asBoolean()).isTrue();

            Path alice = dir.resolve("alice.json");
            run("keygen", "--out", alice.toString());
            Run deposit = run("tx", "deposit", "--key", alice.toString(), "--amount", "1000", "--node", strict.url());
            assertThat(deposit.status()).as(deposit.out()).isZero();

            Signer signer = Signer.read(alice);
            String unbound = "{\"type\":\"withdraw\",\"account\":\"" + signer.account() + "\",\"nonce\":5,\"amount\":1}";
            NodeClient.Response refused = client.submit(signer, unbound);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("wrong_chain");
            NodeClient.Response elsewhere = client.submit(signer, unbound.replace("{", "{\"chainId\":\"dexnode-test\","));
            assertThat(elsewhere.json().get("code").asText()).isEqualTo("wrong_chain");
            // neither refusal used the nonce: the same nonce, bound to this chain, is accepted
            assertThat(client.submit(signer, unbound.replace("{", "{\"chainId\":\"dexnode-prod\",")).status()).isEqualTo(200);
            assertThat(client.lastNonce(signer.account())).isEqualTo(5);
        }
    }

    @Test
    void aNodeThatCannotAnswerTheLookupsIsAnErrorExitNotAStackTrace(@TempDir Path dir) {
        Path key = dir.resolve("k.json");
        run("keygen", "--out", key.toString());
        // every path under /elsewhere is 404: the chain lookup fails before anything is signed
        Run r = run("tx", "withdraw", "--key", key.toString(), "--amount", "1", "--node", node.url() + "/elsewhere");
        assertThat(r.status()).isEqualTo(2);
    }
}
