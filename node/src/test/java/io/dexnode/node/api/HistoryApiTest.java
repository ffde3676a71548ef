package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.engine.schema.ArchiveHeadRecord;
import io.dexnode.engine.schema.StateKey;
import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.Ics23Protobuf;
import io.dexnode.jmt.ics23.Ics23Verifier;
import io.dexnode.jmt.ics23.ProofSpec;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lasting history over HTTP on a chain that archives finished orders two blocks after they
 * finish: trade, fill and order pages newest first with their cursors, archived orders answered
 * as such (and refused as finished when named again), and an archive block verified end to end
 * with the ICS23 verifier against the block's root.
 */
@Timeout(300)
class HistoryApiTest {
    private static final HexFormat HEX = HexFormat.of();
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.devWithGenesis(g -> g.put("archiveAfterBlocks", 2));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Moves the chain on by {@code n} blocks (one deposit each). */
    private static void blocks(Signer s, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(node.tx(s, "deposit", "amount", 1).ok()).isTrue();
        }
    }

    @Test
    void tradesAndFillsArePagedNewestFirstWithTheirNextCursors() {
        Signer maker = node.funded(10_000_000);
        Signer taker = node.funded(10_000_000);
        long firstTrade = node.get("/v1/markets/1").path("tradeCount").asLong() + 1;
        for (int i = 0; i < 5; i++) {
            assertThat(node.place(maker, "sell", 2_000 + i, 1).ok()).isTrue();
        }
        JsonNode sweep = node.place(taker, "buy", 2_010, 5).json();
        assertThat(sweep.path("fills")).hasSize(5);
        assertThat(sweep.path("fills").get(0).path("tradeId").asLong()).isEqualTo(firstTrade);

        List<Long> ids = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = node.get("/v1/markets/1/trades?limit=2" + (next == null ? "" : "&before=" + next));
            assertThat(page.path("trades").size()).isLessThanOrEqualTo(2);
            page.path("trades").forEach(t -> ids.add(t.path("tradeId").asLong()));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null && ids.size() < 5);
        assertThat(ids.subList(0, 5)).containsExactly(firstTrade + 4, firstTrade + 3, firstTrade + 2, firstTrade + 1, firstTrade);

        List<Long> fills = new ArrayList<>();
        next = null;
        do {
            JsonNode page = node.get("/v1/accounts/" + maker.account() + "/fills?limit=3" + (next == null ? "" : "&before=" + next));
            page.path("fills").forEach(f -> fills.add(f.path("tradeId").asLong()));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null);
        assertThat(fills).containsExactly(firstTrade + 4, firstTrade + 3, firstTrade + 2, firstTrade + 1, firstTrade);
        JsonNode takerFills = node.get("/v1/accounts/" + taker.account() + "/fills");
        assertThat(takerFills.path("fills")).hasSize(5);
        assertThat(takerFills.path("next").isNull()).isTrue();
        assertThat(takerFills.path("fills").get(0).path("takerAccountId").asLong()).isEqualTo(takerFills.path("accountId").asLong());
    }

    @Test
    void anArchivedOrderIsAnsweredAsArchivedAndRefusedAsFinished() {
        Signer alice = node.funded(1_000_000);
        long id = node.place(alice, "buy", 10, 1).json().path("orderId").asLong();
        JsonNode live = node.get("/v1/orders/" + id);
        assertThat(live.path("archived").asBoolean()).isFalse();
        long cancelledAt = node.tx(alice, "cancel", "order", id).json().path("height").asLong();
        blocks(alice, 2);
        JsonNode archived = node.get("/v1/orders/" + id);
        assertThat(archived.path("archived").asBoolean()).isTrue();
        assertThat(archived.path("archivedHeight").asLong()).isEqualTo(cancelledAt + 2);
        assertThat(archived.path("status").asText()).isEqualTo("cancelled");
        for (NodeClient.Response r : List.of(node.tx(alice, "cancel", "order", id), node.tx(alice, "amend", "order", id, "price", 11),
                node.tx(alice, "reduce", "order", id, "size", 1))) {
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            assertThat(r.json().path("code").asText()).isEqualTo("order_not_active");
        }
        assertThat(node.getResponse("/v1/orders/" + (id + 1_000_000)).status()).isEqualTo(404);
    }

    @Test
    void anAccountsOrdersArePagedNewestFirstLiveAndArchivedByStatus() {
        Signer bob = node.funded(1_000_000);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(node.place(bob, "buy", 20 + i, 1).json().path("orderId").asLong());
        }
        assertThat(node.tx(bob, "cancel", "order", ids.get(0)).ok()).isTrue();
        assertThat(node.tx(bob, "cancel", "order", ids.get(3)).ok()).isTrue();
        blocks(bob, 2);
        List<Long> all = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = node.get("/v1/accounts/" + bob.account() + "/orders?limit=2" + (next == null ? "" : "&before=" + next));
            page.path("orders").forEach(o -> all.add(o.path("orderId").asLong()));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null);
        assertThat(all).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        JsonNode cancelled = node.get("/v1/accounts/" + bob.account() + "/orders?status=cancelled");
        assertThat(cancelled.path("orders")).hasSize(2);
        assertThat(cancelled.path("orders").get(0).path("orderId").asLong()).isEqualTo(ids.get(3));
        assertThat(cancelled.path("orders").get(0).path("archived").asBoolean()).isTrue();
        JsonNode active = node.get("/v1/accounts/" + bob.account() + "/orders?status=active&limit=2");
        assertThat(active.path("orders")).hasSize(2);
        assertThat(active.path("next").asText()).isEqualTo(Long.toString(ids.get(2)));
        assertThat(node.get("/v1/accounts/" + bob.account()).path("openOrders")).hasSize(3);
    }

    @Test
    void anArchiveBlockVerifiesEndToEndAgainstItsRootWithTheIcs23Verifier() {
        Signer carol = node.funded(1_000_000);
        long id = node.place(carol, "buy", 30, 1).json().path("orderId").asLong();
        long cancelledAt = node.tx(carol, "cancel", "order", id).json().path("height").asLong();
        blocks(carol, 2);
        long h = cancelledAt + 2;
        JsonNode archive = node.get("/v1/archive/" + h);
        JsonNode block = node.get("/v1/blocks/" + h);
        byte[] root = HEX.parseHex(block.path("root").asText());
        assertThat(archive.path("root").asText()).isEqualTo(block.path("root").asText());
        JsonNode proof = archive.path("proof");
        byte[] key = HEX.parseHex(proof.path("key").asText());
        byte[] value = HEX.parseHex(proof.path("value").asText());
        assertThat(key).isEqualTo(new StateKey.ArchiveHead().encode());
        CommitmentProof fromProtobuf = Ics23Protobuf.decodeCommitmentProof(HEX.parseHex(proof.path("ics23Protobuf").asText()));
        assertThat(Ics23Verifier.verifyMembership(fromProtobuf, ProofSpec.JMT, root, key, value)).isTrue();
        CommitmentProof fromJson = Ics23JsonReader.read(proof.path("ics23"));
        assertThat(Ics23Verifier.verifyMembership(fromJson, ProofSpec.JMT, root, key, value)).isTrue();
        // The head the root commits to names this block and hashes exactly the records served.
        ArchiveHeadRecord head = ArchiveHeadRecord.decode(value);
        assertThat(head.height()).isEqualTo(h);
        List<byte[]> records = new ArrayList<>();
        archive.path("orders").forEach(o -> records.add(HEX.parseHex(o.path("record").asText())));
        assertThat(records).hasSize(head.count());
        assertThat(archive.path("orders").get(0).path("orderId").asLong()).isEqualTo(id);
        assertThat(recordsHashAsDocumented(records)).isEqualTo(head.recordsHash());
        records.set(0, records.get(0).clone());
        records.get(0)[records.get(0).length - 1] ^= 1;
        assertThat(recordsHashAsDocumented(records)).isNotEqualTo(head.recordsHash());
        // A block that archived nothing proves a head that names an earlier block.
        JsonNode quiet = node.get("/v1/archive/" + cancelledAt);
        assertThat(quiet.path("orders")).isEmpty();
        assertThat(quiet.path("head").isNull() || quiet.path("head").path("height").asLong() < cancelledAt).isTrue();
        assertThat(node.getResponse("/v1/archive/999999999").status()).isEqualTo(404);
    }

    /** SHA-256 over the records, each as its length (u32, big-endian) then its bytes: STATE.md's rule, computed here, not by the node's code. */
    private static byte[] recordsHashAsDocumented(List<byte[]> records) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (byte[] r : records) {
                sha.update(java.nio.ByteBuffer.allocate(4).putInt(r.length).array());
                sha.update(r);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badCursorsAreMalformed() {
        assertThat(node.getResponse("/v1/markets/1/trades?before=x").status()).isEqualTo(400);
        assertThat(node.getResponse("/v1/accounts/1/fills?before=12").status()).isEqualTo(400);
        assertThat(node.getResponse("/v1/accounts/1/orders?before=-3").status()).isEqualTo(400);
        assertThat(node.getResponse("/v1/markets/77/trades").status()).isEqualTo(404);
    }
}
